package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.P;
import static dev.vmpools.scheduler.assignment.World.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which VM a request gets (DESIGN §4.2): sticky first, then eligible VMs by last use. */
class ChoosingTest {

    private static final Duration HOUR = Duration.ofHours(1);

    static Stream<Arguments> order() {
        return Stream.of(
                Arguments.of("a never used VM before a used one",
                        (Consumer<World>) w -> w.releasedLease("vm-0", P, "bob", T0.minus(HOUR.multipliedBy(5))),
                        "vm-1"),
                Arguments.of("the least recently used VM first",
                        (Consumer<World>) w -> w.releasedLease("vm-0", P, "bob", T0.minus(HOUR))
                                .releasedLease("vm-1", P, "carol", T0.minus(HOUR.multipliedBy(2))),
                        "vm-1"),
                Arguments.of("a running VM before a stopped one, both never used",
                        (Consumer<World>) w -> w.running("vm-1", true), "vm-1"),
                Arguments.of("a running VM before a stopped one used at the same instant",
                        (Consumer<World>) w -> w.releasedLease("vm-0", P, "bob", T0.minus(HOUR))
                                .releasedLease("vm-1", P, "carol", T0.minus(HOUR)).running("vm-1", true),
                        "vm-1"),
                Arguments.of("the last use is the later of the Lease's renewTime and the record's lastUsed",
                        (Consumer<World>) w -> w.releasedLease("vm-0", P, "bob", T0.minus(HOUR.multipliedBy(3)))
                                .vmOperatorAssigns("vm-0", P, "bob", T0.minus(HOUR.multipliedBy(1).plusMinutes(1)))
                                .releasedLease("vm-1", P, "carol", T0.minus(HOUR.multipliedBy(2))),
                        "vm-1"),
                Arguments.of("a record without a Lease counts as a use",
                        (Consumer<World>) w -> w.vmOperatorAssigns("vm-0", P, "bob", T0.minus(HOUR.multipliedBy(2))),
                        "vm-1"),
                Arguments.of("by name when all else is equal", (Consumer<World>) w -> { }, "vm-0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void order(String rule, Consumer<World> setup, String expected) {
        World world = new World().pool(P, "PT1H").vms(2, P);
        setup.accept(world);
        world.ask("alice-1", "alice").settle();

        assertThat(world.vmOf("alice-1")).isEqualTo(expected);
        world.assertConsistent();
    }

    @Test
    void anAssignmentIsOneRoundOfWritesAndThenNothing() {
        World world = new World().pool(P, "PT1H").vms(3, P).ask("alice-1", "alice");

        world.step();

        assertThat(world.conflicts).isZero();
        assertThat(world.applied).extracting(a -> a.getClass().getSimpleName()).containsExactly("WriteLease",
                "CommitAssignment", "SetDesiredState", "WriteRequestStatus", "EmitEvent", "WritePoolStatus");
        assertThat(world.plan().settled()).isTrue();
        world.running("vm-0", true);
        assertThat(world.plan().actions()).singleElement().isInstanceOfSatisfying(Action.WriteRequestStatus.class,
                w -> assertThat(w.status().ready().status()).isEqualTo("True"));
    }

    static Stream<Arguments> eligibility() {
        return Stream.of(
                Arguments.of("a free VM", (Consumer<World>) w -> { }, true, null),
                Arguments.of("a connected console, whoever's",
                        (Consumer<World>) w -> w.connect("vm-0", "dave"), false,
                        "0 of 1 VM free: 1 console in use"),
                Arguments.of("VM-Operator's assignment of someone else within its retention",
                        (Consumer<World>) w -> w.vmOperatorAssigns("vm-0", P, "bob", T0.minusSeconds(3599)), false,
                        "0 of 1 VM free: 1 held"),
                Arguments.of("VM-Operator's assignment of someone else past its retention",
                        (Consumer<World>) w -> w.vmOperatorAssigns("vm-0", P, "bob", T0.minusSeconds(3600)), true,
                        null),
                Arguments.of("VM-Operator's assignment whose assignee disconnected within the retention",
                        (Consumer<World>) w -> w.vmOperatorAssigns("vm-0", P, "bob", T0.minus(HOUR.multipliedBy(5)))
                                .connect("vm-0", "bob").at(T0.minusSeconds(60)).disconnect("vm-0").at(T0),
                        false, "0 of 1 VM free: 1 held"),
                Arguments.of("VM-Operator's assignment of an old pool the VM no longer lists",
                        (Consumer<World>) w -> w.pool("old", "PT1H")
                                .vmOperatorAssigns("vm-0", "old", "bob", T0.minusSeconds(60)),
                        true, null),
                Arguments.of("VM-Operator's assignment from a pool that was deleted",
                        (Consumer<World>) w -> w.vmOperatorAssigns("vm-0", "gone", "bob", T0.minusSeconds(60))
                                .setPools("vm-0", P, "gone"),
                        true, null),
                Arguments.of("a multi-pool VM held for the other pool",
                        (Consumer<World>) w -> w.pool("other", "PT1H").setPools("vm-0", P, "other")
                                .vmOperatorAssigns("vm-0", "other", "bob", T0.minusSeconds(60)),
                        false, "0 of 1 VM free: 1 held"),
                Arguments.of("a Lease of a holder this scheduler does not know, unexpired",
                        (Consumer<World>) w -> w.lease("vm-0", "someone/uid-x", P, "bob", T0.minusSeconds(10), 60, 3),
                        false, "0 of 1 VM free: 1 held"),
                Arguments.of("a Lease of a holder this scheduler does not know, run out",
                        (Consumer<World>) w -> w.lease("vm-0", "someone/uid-x", P, "bob", T0.minusSeconds(60), 60, 3),
                        true, null),
                Arguments.of("a released Lease",
                        (Consumer<World>) w -> w.releasedLease("vm-0", P, "bob", T0.minusSeconds(1)), true, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void eligibility(String situation, Consumer<World> setup, boolean assigned, String waitingMessage) {
        World world = new World().pool(P, "PT1H").vm("vm-0", P);
        setup.accept(world);
        world.ask("alice-1", "alice").settle();

        if (assigned) {
            assertThat(world.vmOf("alice-1")).isEqualTo("vm-0");
            world.assertConsistent();
        } else {
            assertThat(world.reasonOf("alice-1")).isEqualTo("Waiting");
            assertThat(world.messageOf("alice-1")).isEqualTo(waitingMessage);
            assertThat(world.lease("vm-0") == null || !world.lease("vm-0").holderIdentity().startsWith("alice"))
                    .isTrue();
        }
    }

    @Test
    void aVmThatLeftThePoolIsNotEligibleAndCountedAsGone() {
        World world = new World().pool(P, "PT1H").pool("other", "PT1H").vm("vm-0", "other")
                .vmOperatorAssigns("vm-0", P, "bob", T0.minus(HOUR.multipliedBy(3)));

        world.ask("alice-1", "alice").settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("Waiting");
        assertThat(world.messageOf("alice-1")).isEqualTo("0 of 1 VM free: 1 not in pool any more");
    }

    @Test
    void theVmStillRecordedForTheUserComesBackEvenAfterExpiry() {
        World world = new World().pool(P, "PT1H").vms(3, P)
                .vmOperatorAssigns("vm-2", P, "alice", T0.minus(HOUR.multipliedBy(30)));

        world.ask("alice-1", "alice").settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-2");
    }

    @Test
    void aReleasedLeaseStillNamingTheUserMakesItsVmSticky() {
        World world = new World().pool(P, "PT1H").vms(3, P)
                .releasedLease("vm-1", P, "alice", T0.minusSeconds(10))
                .releasedLease("vm-2", P, "bob", T0.minus(HOUR.multipliedBy(3)));

        world.ask("alice-1", "alice").settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-1");
        assertThat(world.lease("vm-1").leaseTransitions()).isEqualTo(2);
    }

    @Test
    void stickinessIsPerPool() {
        World world = new World().pool(P, "PT1H").pool("other", "PT1H").vm("vm-0", P).vm("vm-1", P, "other")
                .vmOperatorAssigns("vm-1", "other", "alice", T0.minus(HOUR.multipliedBy(3)));

        world.ask("alice-1", "alice").settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-0");
    }

    @Test
    void theSameUserGetsTheirVmBackAfterAnExpiredRequest() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").settle();
        world.advance(HOUR).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");

        world.advance(Duration.ofMinutes(10)).ask("alice-2", "alice").settle();

        assertThat(world.vmOf("alice-2")).isEqualTo("vm-0");
        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("alice-2/uid-alice-2");
        assertThat(world.lease("vm-0").leaseTransitions()).isEqualTo(1);
        world.assertConsistent();
    }

    @Test
    void aStickyVmHeldBySomeoneElseIsNotTaken() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").settle();
        world.advance(HOUR).ask("bob-1", "bob").settle();
        assertThat(world.vmOf("bob-1")).isEqualTo("vm-1");
        world.advance(Duration.ofMinutes(1)).ask("carol-1", "carol").settle();
        assertThat(world.vmOf("carol-1")).isEqualTo("vm-0");

        world.ask("alice-2", "alice").settle();

        assertThat(world.reasonOf("alice-2")).isEqualTo("Waiting");
        assertThat(world.messageOf("alice-2")).isEqualTo("0 of 2 VMs free: 2 held");
    }

    @Test
    void aStickyVmWhoseConsoleTheUserStillHasOpenComesBackInUse() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").settle();
        world.connect("vm-0", "alice").settle();
        world.delete("alice-1").settle();
        assertThat(world.vms.get("vm-0").assignment()).isEmpty();

        world.advance(Duration.ofMinutes(5)).ask("alice-2", "alice").settle();

        assertThat(world.vmOf("alice-2")).isEqualTo("vm-0");
        assertThat(world.lease("vm-0").leaseDurationSeconds()).isEqualTo(Integer.MAX_VALUE);
        assertThat(world.request("alice-2").status.expiresAt()).isNull();
    }

    @Test
    void aStickyRequestIsServedBeforeAnEarlierWaitingOneInTheSamePlan() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P)
                .vmOperatorAssigns("vm-0", P, "alice", T0.minus(HOUR.multipliedBy(2)));
        world.ask("bob-1", "bob").advance(Duration.ofSeconds(5)).ask("alice-1", "alice");

        world.settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-0");
        assertThat(world.reasonOf("bob-1")).isEqualTo("Waiting");
    }
}
