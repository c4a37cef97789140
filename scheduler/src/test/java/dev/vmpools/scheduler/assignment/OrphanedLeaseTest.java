package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.P;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A Lease can be left holding a VM for a request that no longer exists: without leader election one scheduler
 * takes a VM for a request while the other, whose caches do not show that take yet, sees the request deleted
 * holding nothing and removes its finalizer; or an administrator removes the finalizer by hand. Once the caches
 * cannot be that far behind the take, the VM is given back (DESIGN §4.1: fenced by the Lease's resourceVersion).
 */
class OrphanedLeaseTest {

    /** Scheduler A takes vm-0 for alice-1 while scheduler B, not seeing that yet, lets alice-1 go. */
    private static World orphaned() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice");
        Plan takeByA = world.plan();
        world.delete("alice-1");
        Plan finalizerByB = world.plan();
        assertThat(finalizerByB.actions()).anyMatch(a -> a instanceof Action.RemoveFinalizer);
        world.perform(finalizerByB).perform(takeByA);
        assertThat(world.requests).doesNotContainKey("alice-1");
        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("alice-1/uid-alice-1");
        assertThat(world.vms.get("vm-0").assignment()).map(a -> a.user()).contains("alice");
        return world;
    }

    @Test
    void aVmHeldForADeletedRequestIsGivenBackOnceTheCachesCannotBeThatFarBehind() {
        World world = orphaned().ask("bob-1", "bob");
        Plan early = world.plan();
        assertThat(early.actions()).noneMatch(a -> a instanceof Action.WriteLease);
        assertThat(early.wakeAt()).contains(world.lease("vm-0").acquireTime().plus(PlannerSettings.DEFAULT_CACHE_LAG));

        world.advance(PlannerSettings.DEFAULT_CACHE_LAG).settle();

        assertThat(world.requests.get("bob-1").reason()).isEqualTo("Assigned");
        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("bob-1/uid-bob-1");
        assertThat(world.lease("vm-0").leaseTransitions()).isEqualTo(1);
        assertThat(world.vms.get("vm-0").assignment()).map(a -> a.user()).contains("bob");
        assertThat(world.events).anyMatch(e -> e.regarding().name().equals("vm-0") && e.reason().equals("Released")
                && e.message().contains("alice-1/uid-alice-1"));
        world.assertConsistent();
    }

    @Test
    void theOrphanedVmIsReleasedAndItsRecordEmptiedWhenNobodyWaits() {
        World world = orphaned().advance(PlannerSettings.DEFAULT_CACHE_LAG);

        assertThat(world.plan().chains().getFirst().actions()).extracting(a -> a.getClass().getSimpleName())
                .containsExactly("WriteLease", "ClearAssignment", "EmitEvent");
        world.settle();

        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.vms.get("vm-0").assignment()).isEmpty();
        assertThat(world.pools.get(P).status.free()).isEqualTo(1);
    }

    @Test
    void aRequestCreatedMomentsAgoThatTheCachesDoNotShowYetKeepsItsVm() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        World.Request hidden = world.requests.remove("alice-1");

        world.advance(PlannerSettings.DEFAULT_CACHE_LAG.minusMillis(1));

        assertThat(world.plan().actions()).noneMatch(a -> a instanceof Action.WriteLease
                || a instanceof Action.PatchVmStatus);
        world.requests.put("alice-1", hidden);
        world.advance(Duration.ofMinutes(5)).settle();
        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("alice-1/uid-alice-1");
        assertThat(world.requests.get("alice-1").reason()).isEqualTo("Assigned");
    }

    @Test
    void aLeaseChangedSinceItWasReadIsNotReleased() {
        World world = orphaned().advance(PlannerSettings.DEFAULT_CACHE_LAG);
        Plan stale = world.plan();
        LeaseState read = world.lease("vm-0");
        // Someone renews the Lease between the read and the release.
        world.leases.put("vmpool.vm-0", new LeaseState(read.resourceVersion() + "1", read.holderIdentity(),
                read.acquireTime(), read.renewTime(), read.leaseDurationSeconds(), read.leaseTransitions(), read.pool(),
                read.user(), read.ownerUid()));

        world.perform(stale);

        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("alice-1/uid-alice-1");
        assertThat(world.vms.get("vm-0").assignment()).map(a -> a.user()).contains("alice");
    }
}
