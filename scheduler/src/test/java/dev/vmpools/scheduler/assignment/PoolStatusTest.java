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

/** {@code VmPool.status}: counts and {@code HasVMs} as a function of the snapshot, after the plan. */
class PoolStatusTest {

    static Stream<Arguments> counts() {
        return Stream.of(
                Arguments.of("no VM", (Consumer<World>) w -> { }, 0, 0, 0, 0),
                Arguments.of("free VMs", (Consumer<World>) w -> w.vms(3, P), 3, 0, 3, 0),
                Arguments.of("one assigned", (Consumer<World>) w -> w.vms(3, P).ask("alice-1", "alice"), 3, 1, 2, 0),
                Arguments.of("VM-Operator's own assignment counts as assigned",
                        (Consumer<World>) w -> w.vms(2, P).vmOperatorAssigns("vm-1", P, "bob", T0), 2, 1, 1, 0),
                Arguments.of("a console in use is neither assigned nor free",
                        (Consumer<World>) w -> w.vms(2, P).connect("vm-0", "dave"), 2, 0, 1, 0),
                Arguments.of("waiting and duplicate requests wait",
                        (Consumer<World>) w -> w.vms(1, P).ask("alice-1", "alice").ask("bob-1", "bob")
                                .ask("alice-2", "alice"),
                        1, 1, 0, 2),
                Arguments.of("a VM held for another pool it also lists",
                        (Consumer<World>) w -> w.pool("other", "PT1H").vm("vm-0", P, "other")
                                .request("carol-1", "other", "carol"),
                        1, 0, 0, 0),
                Arguments.of("an expired assignment nobody took frees its VM",
                        (Consumer<World>) w -> w.vms(1, P).ask("alice-1", "alice").settle()
                                .advance(Duration.ofHours(1)),
                        1, 0, 1, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void counts(String situation, Consumer<World> setup, int vms, int assigned, int free, int waiting) {
        World world = new World().pool(P, "PT1H");
        setup.accept(world);

        PoolStatus status = world.plan().pools().get(P);

        assertThat(status).extracting(PoolStatus::vms, PoolStatus::assigned, PoolStatus::free, PoolStatus::waiting)
                .containsExactly(vms, assigned, free, waiting);
        assertThat(status.hasVms().status()).isEqualTo(vms > 0 ? "True" : "False");
        assertThat(status.observedGeneration()).isEqualTo(1);
    }

    @Test
    void hasVmsSaysWhatToDoWhenNoVmListsThePool() {
        World world = new World().pool(P, "PT1H");

        StatusCondition hasVms = world.plan().pools().get(P).hasVms();

        assertThat(hasVms.reason()).isEqualTo("NoVms");
        assertThat(hasVms.message()).isEqualTo("no VM lists pool test-vms in spec.pools: requests wait until one does");
    }

    @Test
    void theStatusIsWrittenOnlyWhenItChangesAndKeepsItsTransitionTime() {
        World world = new World().pool(P, "PT1H").vms(2, P).settle();
        StatusCondition hasVms = world.pools.get(P).status.hasVms();

        world.advance(Duration.ofMinutes(5));
        assertThat(world.plan().settled()).isTrue();

        world.ask("alice-1", "alice").settle();
        assertThat(world.pools.get(P).status.assigned()).isEqualTo(1);
        assertThat(world.pools.get(P).status.hasVms()).isEqualTo(hasVms);

        world.deleteVm("vm-0").deleteVm("vm-1").settle();
        assertThat(world.pools.get(P).status.hasVms().status()).isEqualTo("False");
        assertThat(world.pools.get(P).status.hasVms().lastTransitionTime()).isEqualTo(world.now);
    }

    @Test
    void aNewGenerationIsReported() {
        World world = new World().pool(P, "PT1H").vms(1, P).settle();
        world.pools.get(P).generation = 4;

        assertThat(world.plan().actions()).singleElement().isInstanceOfSatisfying(Action.WritePoolStatus.class,
                write -> assertThat(write.status().observedGeneration()).isEqualTo(4));
    }
}
