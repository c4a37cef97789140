package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two schedulers with leader election off plan the same pools at once, each from its own caches, while six
 * clients create 200 requests over 50 VMs as fast as the API server takes them and delete some of them again:
 * the Lease and the tested VM-status patch alone keep them from handing one VM to two users.
 */
@ExtendWith(ControlPlaneExtension.class)
@Timeout(value = 150)
class TwoSchedulersBurstIT {
    private static final long SEED = Long.getLong("vmpools.burst.seed", System.nanoTime());

    private static KubernetesClient first;
    private static KubernetesClient second;
    private static Scheduler one;
    private static Scheduler two;
    private static Burst burst;

    @BeforeAll
    static void start(ControlPlane cp, TestNamespace ns) {
        TestCluster.install(cp);
        TestCluster.makePoolNamespace(cp, ns.name());
        burst = Burst.prepare(cp, ns.name());
        first = cp.newClient(TestUser.SCHEDULER);
        second = cp.newClient(TestUser.SCHEDULER);
        one = TestCluster.startScheduler(first, ns.name(), Map.of());
        two = TestCluster.startScheduler(second, ns.name(), Map.of());
    }

    @AfterAll
    static void stop() {
        burst.close();
        one.close();
        two.close();
        first.close();
        second.close();
    }

    @Test
    void twoSchedulersWithoutElectionNeverHandOneVmToTwoUsers(ControlPlane cp, TestNamespace ns) {
        Instant start = Instant.now();

        Burst.Result result = burst.run(Burst.Settings.standard(0, SEED));
        Invariants.Report report = burst.awaitQuiescence(Duration.ofSeconds(60));

        Duration settled = Duration.between(start, Instant.now());
        System.out.printf("two schedulers (seed %d): %s; settled after %.1f s: %d assignments seen (%.1f/s), "
                + "%d request changes; %s%n", SEED, result, settled.toMillis() / 1000.0, burst.assignmentsSeen(),
                burst.assignmentsSeen() / (settled.toMillis() / 1000.0), burst.changesSeen(), report);
        System.out.print(burst.evidence(report));
        assertThat(burst.violationsSeen()).as("violations seen during the burst (seed %d)", SEED).isEmpty();
        assertThat(report.violations()).as("invariants at quiescence (seed %d): %s", SEED, report.counts())
                .isEmpty();
    }
}
