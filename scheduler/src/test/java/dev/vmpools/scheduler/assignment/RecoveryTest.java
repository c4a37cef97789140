package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.P;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every step is idempotent and re-derivable from Lease and VM (DESIGN §4.2): whatever prefix of a plan's
 * writes happened before a crash, the next plans finish the work and end where an uninterrupted run ends.
 */
class RecoveryTest {

    static Stream<Arguments> crashes() {
        List<Arguments> cases = new ArrayList<>();
        Map<String, Supplier<World>> scenarios = new LinkedHashMap<>();
        scenarios.put("a first assignment", () -> new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice"));
        scenarios.put("two requests, one VM each", () -> new World().pool(P, "PT1H").vms(2, P)
                .ask("alice-1", "alice").ask("bob-1", "bob"));
        scenarios.put("an expiry taken over by a waiting request", () -> {
            World w = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
            return w.advance(Duration.ofMinutes(1)).ask("bob-1", "bob").settle().advance(Duration.ofMinutes(59));
        });
        scenarios.put("a release on delete", () -> new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice")
                .settle().advance(Duration.ofMinutes(3)).delete("alice-1"));
        scenarios.put("a disconnect", () -> new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice")
                .settle().connect("vm-0", "alice").settle().advance(Duration.ofMinutes(7)).disconnect("vm-0"));
        scenarios.put("a VM that left the pool", () -> new World().pool(P, "PT1H").pool("other", "PT1H").vms(2, P)
                .ask("alice-1", "alice").settle().setPools("vm-0", "other"));
        scenarios.put("a pool deleted", () -> new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice")
                .ask("bob-1", "bob").settle().deletePool(P).advance(Duration.ofMinutes(1)));
        scenarios.put("a sticky return after expiry", () -> new World().pool(P, "PT1H").vms(2, P)
                .ask("alice-1", "alice").settle().advance(Duration.ofHours(2)).settle().ask("alice-2", "alice"));
        scenarios.forEach((name, scenario) -> {
            int actions = (int) scenario.get().plan().actions().count();
            for (int k = 0; k < actions; k++) {
                cases.add(Arguments.of(name, scenario, k, actions));
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: crash after {2} of {3} writes")
    @MethodSource
    void crashes(String scenario, Supplier<World> world, int writesBeforeCrash, int writes) {
        World uninterrupted = world.get().settle();
        World crashed = world.get().crashAfter(writesBeforeCrash).settle();

        assertThat(state(crashed)).isEqualTo(state(uninterrupted));
        crashed.assertConsistent();
    }

    @Test
    void aTakenLeaseWithoutCommitIsCommittedNotTakenAgain() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").crashAfter(1);
        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("alice-1/uid-alice-1");

        assertThat(world.plan().chains().getFirst().actions()).extracting(a -> a.getClass().getSimpleName())
                .containsExactly("CommitAssignment", "SetDesiredState", "WriteRequestStatus", "EmitEvent");
    }

    @Test
    void aCommittedVmWhoseRequestStatusWasNotWrittenIsReportedAndStarted() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").crashAfter(2);

        assertThat(world.plan().chains().getFirst().actions()).extracting(a -> a.getClass().getSimpleName())
                .containsExactly("SetDesiredState", "WriteRequestStatus", "EmitEvent");
    }

    @Test
    void aStartedVmWhoseRequestStatusWasNotWrittenIsOnlyReported() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").crashAfter(3);

        assertThat(world.plan().chains().getFirst().actions()).extracting(a -> a.getClass().getSimpleName())
                .containsExactly("WriteRequestStatus", "EmitEvent");
    }

    @Test
    void aReleaseThatStoppedAfterTheLeaseClearsTheRecordAndRemovesTheFinalizer() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle()
                .delete("alice-1").crashAfter(1);
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();

        assertThat(world.plan().chains().getFirst().actions()).extracting(a -> a.getClass().getSimpleName())
                .containsExactly("ClearAssignment", "WriteRequestStatus", "EmitEvent", "RemoveFinalizer");
    }

    @Test
    void anAssignmentTheLeaseCacheDoesNotShowYetIsLeftAloneAndNotReleasedEarly() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").settle();
        world.delete("alice-1").settle().ask("bob-1", "bob").settle();
        LeaseState current = world.lease("vm-0");
        world.ask("alice-2", "alice").settle();
        LeaseState newer = world.lease("vm-0");
        assertThat(newer.leaseTransitions()).isGreaterThan(current.leaseTransitions());
        // The Lease informer lags: it still shows the Lease before alice-2 took it.
        world.leases.put("vmpool.vm-0", current);

        assertThat(world.plan().actions()).noneMatch(a -> a instanceof Action.WriteRequestStatus w
                && w.request().equals("alice-2"));
        world.delete("alice-2");
        assertThat(world.plan().actions()).noneMatch(a -> a instanceof Action.RemoveFinalizer);

        world.leases.put("vmpool.vm-0", newer);
        world.settle();
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.requests).doesNotContainKey("alice-2");
    }

    @Test
    void aLeaseDeletedByHandDoesNotStallTheReleaseOnceTheCachesCannotBeThatFarBehind() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.leases.clear();
        world.delete("alice-1");
        assertThat(world.plan().actions()).noneMatch(a -> a instanceof Action.RemoveFinalizer);
        assertThat(world.plan().wakeAt()).contains(world.now.plus(PlannerSettings.DEFAULT_CACHE_LAG));

        world.advance(PlannerSettings.DEFAULT_CACHE_LAG).settle();

        assertThat(world.requests).doesNotContainKey("alice-1");
    }

    /** Everything the planner decides about, without resourceVersions. */
    private static Map<String, Object> state(World world) {
        Map<String, Object> state = new LinkedHashMap<>();
        world.requests.forEach((name, r) -> state.put("request " + name, List.of(String.valueOf(r.status),
                r.finalizers, r.labels)));
        world.leases.forEach((name, l) -> state.put("lease " + name, List.of(l.holderIdentity(),
                String.valueOf(l.acquireTime()), String.valueOf(l.renewTime()), String.valueOf(l.leaseDurationSeconds()),
                l.leaseTransitions(), String.valueOf(l.pool()), String.valueOf(l.user()))));
        world.vms.forEach((name, v) -> state.put("vm " + name, List.of(v.doc.get("spec"),
                String.valueOf(v.doc.get("status")))));
        world.pools.forEach((name, p) -> state.put("pool " + name, String.valueOf(p.status)));
        return state;
    }
}
