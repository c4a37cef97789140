package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kube-apiserver restarted in the middle of a burst, on a control plane of this test's own (never the shared
 * one): the scheduler's watches break and its writes fail for a while, the clients retry, and once the API server
 * is back the scheduler's informers list again and it finishes the work, with every invariant holding.
 */
@Timeout(value = 200)
class ApiServerRestartIT {
    private static final long SEED = Long.getLong("vmpools.burst.seed", System.nanoTime());
    private static final double PACE = 15;

    @Test
    void aRestartedApiServerLeavesEveryVmWithOneAgreeingHolder() {
        Instant begin = Instant.now();
        try (ControlPlane cp = ControlPlane.start()) {
            Duration controlPlaneStart = Duration.between(begin, Instant.now());
            String namespace = "restart";
            TestCluster.install(cp);
            cp.client(TestUser.ROOT).namespaces().resource(new NamespaceBuilder().withNewMetadata()
                    .withName(namespace).endMetadata().build()).create();
            TestCluster.makePoolNamespace(cp, namespace);
            try (Burst burst = Burst.prepare(cp, namespace);
                    KubernetesClient client = cp.newClient(TestUser.SCHEDULER);
                    Scheduler scheduler = TestCluster.startScheduler(client, namespace, Map.of())) {
                await().atMost(Duration.ofSeconds(30)).until(scheduler::ready);
                Instant start = Instant.now();
                CompletableFuture<Burst.Result> running = burst.start(Burst.Settings.standard(PACE, SEED));

                await().atMost(Duration.ofSeconds(60)).until(() -> burst.done() >= burst.total() * 2 / 5
                        && burst.total() > 0);
                int doneBefore = burst.done();
                Instant down = Instant.now();
                cp.restartApiServer();
                Duration restart = Duration.between(down, Instant.now());
                Burst.Result result = running.join();
                Invariants.Report report = burst.awaitQuiescence(Duration.ofSeconds(60));

                Duration settled = Duration.between(start, Instant.now());
                System.out.printf("kube-apiserver restarted after %d/%d operations, back after %.1f s (seed %d;"
                        + " control plane started in %.1f s): %s; settled after %.1f s: %d assignments seen (%.1f/s),"
                        + " %d request changes; %s%n", doneBefore, burst.total(), restart.toMillis() / 1000.0, SEED,
                        controlPlaneStart.toMillis() / 1000.0, result, settled.toMillis() / 1000.0,
                        burst.assignmentsSeen(), burst.assignmentsSeen() / (settled.toMillis() / 1000.0),
                        burst.changesSeen(), report);
                System.out.print(burst.evidence(report));
                assertThat(scheduler.ready()).as("the scheduler's caches synced again").isTrue();
                assertThat(burst.violationsSeen()).as("violations seen during the burst (seed %d)", SEED).isEmpty();
                assertThat(report.violations()).as("invariants at quiescence (seed %d): %s", SEED, report.counts())
                        .isEmpty();
            }
        }
    }
}
