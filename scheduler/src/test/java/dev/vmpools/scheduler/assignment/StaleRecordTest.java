package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.P;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A record can outlive the hold it was written for: without leader election scheduler A takes a VM's Lease for
 * a request and is about to commit {@code status.assignment}, while scheduler B sees the request deleted and
 * releases the Lease; B's caches do not show the record, so B cannot empty it, and A's commit (which tests only
 * the record it read) lands afterwards. The Lease then is released in the name of that pool and user and the
 * record names them with a last use no later than the Lease's: the record is emptied, unless that pool and user
 * ask again and take the VM back (DESIGN §4.3: a released VM has no {@code status.assignment}).
 */
class StaleRecordTest {

    /** A takes vm-0 for alice-1; B releases the Lease without seeing A's commit, which lands afterwards. */
    private static World committedAfterRelease() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice");
        List<Action> byA = world.plan().actions().toList();
        assertThat(byA.getFirst()).isInstanceOf(Action.WriteLease.class);
        assertThat(world.apply(byA.getFirst())).isTrue();
        world.delete("alice-1");

        world.perform(world.plan());
        byA.stream().skip(1).forEach(world::apply);

        assertThat(world.requests).doesNotContainKey("alice-1");
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.vms.get("vm-0").assignment()).map(a -> a.user()).contains("alice");
        return world;
    }

    @Test
    void aRecordCommittedAfterItsLeaseWasReleasedIsEmptied() {
        World world = committedAfterRelease();

        assertThat(world.plan().chains().getFirst().actions()).extracting(a -> a.getClass().getSimpleName())
                .containsExactly("ClearAssignment", "EmitEvent");
        world.settle();

        assertThat(world.vms.get("vm-0").assignment()).isEmpty();
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.pools.get(P).status.free()).isEqualTo(1);
        assertThat(world.events).anyMatch(e -> e.regarding().name().equals("vm-0") && e.reason().equals("Released")
                && e.message().contains("alice"));
    }

    @Test
    void emptyingItFailsHarmlesslyWhenTheReleaseEmptiedItMeanwhile() {
        World world = committedAfterRelease();
        Plan late = world.plan();
        world.perform(world.plan());
        world.vmOperatorAssigns("vm-0", P, "bob", world.now);

        world.perform(late);

        assertThat(world.vms.get("vm-0").assignment()).map(a -> a.user()).contains("bob");
    }

    @Test
    void theSameUserAskingAgainGetsTheVmBackWithoutItsRecordEmptiedFirst() {
        World world = committedAfterRelease().ask("alice-2", "alice");

        assertThat(world.plan().actions()).noneMatch(a -> a instanceof Action.ClearAssignment);
        world.settle();

        assertThat(world.vmOf("alice-2")).isEqualTo("vm-0");
        assertThat(world.lease("vm-0").leaseTransitions()).isEqualTo(1);
        world.assertConsistent();
    }

    @Test
    void vmOperatorAssigningTheSameUserAfterTheReleaseKeepsItsRecord() {
        World world = committedAfterRelease();
        world.advance(Duration.ofSeconds(1));
        world.vmOperatorAssigns("vm-0", P, "alice", world.now);

        world.settle();

        assertThat(world.vms.get("vm-0").assignment()).map(a -> a.user()).contains("alice");
    }

    @Test
    void vmOperatorsRecordOfAnotherUserIsNotTouched() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P);
        world.releasedLease("vm-0", P, "alice", world.now.minus(Duration.ofMinutes(5)));
        world.vmOperatorAssigns("vm-0", P, "bob", world.now.minus(Duration.ofMinutes(10)));

        world.settle();

        assertThat(world.vms.get("vm-0").assignment()).map(a -> a.user()).contains("bob");
    }
}
