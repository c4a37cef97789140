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

/** Requests without a VM: the explanation, first-come order, duplicates, pools that cannot assign. */
class WaitingTest {

    @Test
    void explainsWhyNoVmIsFreeCountingEachReason() {
        World world = new World().pool(P, "PT1H").pool("other", "PT1H").vms(11, P).vm("moved", "other");
        for (int i = 0; i < 8; i++) {
            world.vmOperatorAssigns("vm-" + i, P, "user" + i, T0.minusSeconds(60));
        }
        world.connect("vm-8", "dave").connect("vm-9", "dave").connect("vm-10", "erin")
                .vmOperatorAssigns("moved", P, "frank", T0.minusSeconds(30));

        world.ask("alice-1", "alice").settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("Waiting");
        assertThat(world.messageOf("alice-1")).isEqualTo("0 of 12 VMs free: 8 held, 3 console in use, 1 not in pool any more");
    }

    static Stream<Arguments> explanations() {
        return Stream.of(
                Arguments.of("no VM at all", (Consumer<World>) w -> { },
                        "0 of 0 VMs free: no VM lists pool test-vms in spec.pools"),
                Arguments.of("one VM held by an earlier request of this plan",
                        (Consumer<World>) w -> w.vm("vm-0", P).ask("bob-1", "bob").advance(Duration.ofSeconds(1)),
                        "0 of 1 VM free: 1 held"),
                Arguments.of("VMs of another pool only",
                        (Consumer<World>) w -> w.pool("other", "PT1H").vm("vm-0", "other"),
                        "0 of 0 VMs free: no VM lists pool test-vms in spec.pools"),
                Arguments.of("a console in use and a held VM",
                        (Consumer<World>) w -> w.vm("vm-0", P).vm("vm-1", P).connect("vm-1", "dave")
                                .ask("bob-1", "bob").advance(Duration.ofSeconds(1)),
                        "0 of 2 VMs free: 1 held, 1 console in use"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void explanations(String situation, Consumer<World> setup, String message) {
        World world = new World().pool(P, "PT1H");
        setup.accept(world);
        world.ask("alice-1", "alice").settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("Waiting");
        assertThat(world.messageOf("alice-1")).isEqualTo(message);
    }

    @Test
    void aFreedVmGoesToTheEarliestWaitingRequestAcrossPoolsThatShareIt() {
        World world = new World().pool(P, "PT1H").pool("other", "PT1H").vm("shared", P, "other")
                .ask("alice-1", "alice").settle();
        world.advance(Duration.ofMinutes(1)).request("bob-1", "other", "bob");
        world.advance(Duration.ofMinutes(1)).ask("carol-1", "carol");
        world.advance(Duration.ofMinutes(1)).request("dave-1", "other", "dave");
        world.settle();
        assertThat(world.groups().groups()).hasSize(1);

        world.delete("alice-1").settle();
        assertThat(world.vmOf("bob-1")).isEqualTo("shared");
        world.delete("bob-1").settle();
        assertThat(world.vmOf("carol-1")).isEqualTo("shared");
        world.delete("carol-1").settle();
        assertThat(world.vmOf("dave-1")).isEqualTo("shared");
        world.assertConsistent();
    }

    @Test
    void firstComeOrderIsCreationTimeThenName() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("zed-1", "zed").ask("amy-1", "amy");
        world.advance(Duration.ofMillis(1400)).ask("aaron-1", "aaron");

        world.settle();

        assertThat(world.vmOf("amy-1")).as("the same second as zed-1: by name").isEqualTo("vm-0");
        world.delete("amy-1").settle();
        assertThat(world.vmOf("zed-1")).as("a second before aaron-1").isEqualTo("vm-0");
        world.delete("zed-1").settle();
        assertThat(world.vmOf("aaron-1")).isEqualTo("vm-0");
    }

    @Test
    void theNewerOfTwoRequestsOfOneUserForOnePoolIsADuplicateUntilTheOlderEnds() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-a", "alice");
        world.advance(Duration.ofSeconds(1)).ask("alice-b", "alice").settle();

        assertThat(world.vmOf("alice-a")).isEqualTo("vm-0");
        assertThat(world.reasonOf("alice-b")).isEqualTo("Duplicate");
        assertThat(world.messageOf("alice-b")).contains("alice-a");
        assertThat(world.events).filteredOn(e -> e.reason().equals("Duplicate")).singleElement()
                .satisfies(e -> assertThat(e.warning()).isTrue());

        world.delete("alice-a").settle();
        assertThat(world.vmOf("alice-b")).isEqualTo("vm-0");
        world.assertConsistent();
    }

    @Test
    void aRequestForAnotherPoolOrUserIsNoDuplicate() {
        World world = new World().pool(P, "PT1H").pool("other", "PT1H").vms(3, P).vm("x", "other")
                .ask("alice-a", "alice").ask("bob-a", "bob");
        world.request("alice-o", "other", "alice");
        world.settle();

        assertThat(world.requests.values()).extracting(World.Request::reason).containsOnly("Assigned");
    }

    @Test
    void aPoolWhoseRetentionCannotBeParsedAssignsNothingAndGetsOneEventPerGeneration() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.pools.get(P).retention = "P1X";
        world.pools.get(P).generation = 2;
        world.ask("bob-1", "bob").advance(Duration.ofHours(3)).settle();

        assertThat(world.reasonOf("bob-1")).isEqualTo("Waiting");
        assertThat(world.messageOf("bob-1")).startsWith("pool retention invalid: ").contains("P1X");
        assertThat(world.reasonOf("alice-1")).as("no expiry can be computed").isEqualTo("Assigned");
        assertThat(world.events).filteredOn(e -> e.regarding().kind().equals("VmPool")).singleElement()
                .satisfies(e -> {
                    assertThat(e.warning()).isTrue();
                    assertThat(e.reason()).isEqualTo("RetentionMalformed");
                });

        world.pools.get(P).retention = "PT1H";
        world.pools.get(P).generation = 3;
        world.settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
        assertThat(world.vmOf("bob-1")).isEqualTo("vm-0");
    }

    @Test
    void aRequestWaitsBrieflyForAPoolTheCacheHasNotSeenYetThenEndsWithPoolNotFound() {
        World world = new World().ask("alice-1", "alice").settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Waiting");
        assertThat(world.messageOf("alice-1")).startsWith("pool test-vms not found");
        assertThat(world.plan().wakeAt()).contains(T0.plus(PlannerSettings.DEFAULT_POOL_NOT_FOUND_GRACE));

        world.at(T0.plus(PlannerSettings.DEFAULT_POOL_NOT_FOUND_GRACE).minusNanos(1)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Waiting");
        world.at(T0.plus(PlannerSettings.DEFAULT_POOL_NOT_FOUND_GRACE)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("PoolNotFound");
    }

    @Test
    void aPoolThatAppearsWithinTheGraceServesTheRequest() {
        World world = new World().ask("alice-1", "alice").settle();
        world.advance(Duration.ofSeconds(2)).pool(P, "PT1H").vm("vm-0", P).settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-0");
    }

    @Test
    void aWaitingRequestReportsOnceAndKeepsItsTransitionTime() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice")
                .advance(Duration.ofSeconds(1)).ask("bob-1", "bob").settle();
        StatusCondition waiting = world.request("bob-1").status.assigned();

        world.advance(Duration.ofMinutes(5)).settle();

        assertThat(world.request("bob-1").status.assigned()).isEqualTo(waiting);
        assertThat(world.events).filteredOn(e -> e.regarding().name().equals("bob-1")).hasSize(1);
        assertThat(world.plan().settled()).isTrue();
    }
}
