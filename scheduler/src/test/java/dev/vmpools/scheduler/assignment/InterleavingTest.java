package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.P;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two schedulers without leader election, each planning on a view that may be stale when its plan runs,
 * among users asking and deleting, consoles connecting and VM-Operator assigning VMs itself: the fences
 * keep every VM with one holder, and once the writes stop the state is consistent (DESIGN §4.1, §8).
 */
class InterleavingTest {

    private static final List<String> USERS = List.of("alice", "bob", "carol", "dave", "erin", "frank", "gina");

    static Stream<Integer> seeds() {
        return IntStream.rangeClosed(1, 40).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void staleConcurrentPlansNeverLeaveAVmWithTwoHolders(int seed) {
        Random random = new Random(seed);
        World world = new World().pool(P, "PT2M").pool("other", "PT1M").vms(4, P).vm("shared", P, "other")
                .vm("lone", "other");
        List<Plan> pending = new ArrayList<>();
        int requests = 0;
        for (int step = 0; step < 250; step++) {
            switch (random.nextInt(10)) {
                case 0 -> world.request("r" + requests++, random.nextInt(4) == 0 ? "other" : P,
                        USERS.get(random.nextInt(USERS.size())));
                case 1 -> world.requests.values().stream().filter(r -> r.deleted == null)
                        .skip(random.nextInt(Math.max(1, world.requests.size()))).findFirst()
                        .ifPresent(r -> world.delete(r.name));
                case 2 -> world.advance(Duration.ofMillis(random.nextInt(40_000)));
                case 3 -> consoles(world, random);
                case 4 -> {
                    if (random.nextInt(4) == 0) {
                        String vm = "vm-" + random.nextInt(4);
                        world.vmOperatorAssigns(vm, P, USERS.get(random.nextInt(USERS.size())), world.now);
                    }
                }
                case 5, 6 -> pending.addAll(plans(world));
                default -> {
                    if (!pending.isEmpty()) {
                        world.perform(pending.remove(random.nextInt(pending.size())));
                    }
                }
            }
        }

        world.settle();

        world.assertConsistent();
        assertThat(world.requests.values()).allSatisfy(r -> assertThat(r.status).isNotNull());
        for (String pool : List.of(P, "other")) {
            boolean waiting = world.requests.values().stream().anyMatch(r -> r.pool.equals(pool)
                    && List.of("Waiting", "VmGone").contains(r.reason()));
            assertThat(waiting && world.pools.get(pool).status.free() > 0).as("%s waits beside a free VM", pool)
                    .isFalse();
        }
    }

    private static List<Plan> plans(World world) {
        return world.groups().groups().stream().map(g -> world.planner.plan(g, world.now)).toList();
    }

    private static void consoles(World world, Random random) {
        String vm = List.of("vm-0", "vm-1", "vm-2", "vm-3", "shared", "lone").get(random.nextInt(6));
        World.Vm v = world.vms.get(vm);
        if (v.console.connected()) {
            world.disconnect(vm);
        } else {
            String user = v.assignment().map(a -> a.user()).filter(u -> random.nextInt(3) > 0)
                    .orElse(USERS.get(random.nextInt(USERS.size())));
            world.connect(vm, user);
        }
    }
}
