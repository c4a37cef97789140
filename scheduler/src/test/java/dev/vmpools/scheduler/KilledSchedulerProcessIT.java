package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler as a process of its own, acting as its service account, killed with SIGKILL five times while a
 * burst of requests is being created and deleted, and started again each time: whatever writes a kill cuts off,
 * the next process finishes from the Leases and VMs, and no VM ends up with two holders or lost.
 */
@ExtendWith(ControlPlaneExtension.class)
@Timeout(value = 170)
class KilledSchedulerProcessIT {
    private static final long SEED = Long.getLong("vmpools.burst.seed", System.nanoTime());
    private static final int KILLS = 5;
    /** Operations per second of the burst, so that it lasts through the kills (a JVM start takes seconds). */
    private static final double PACE = 10;

    private static Burst burst;
    private static SchedulerProcess scheduler;

    @BeforeAll
    static void install(ControlPlane cp, TestNamespace ns) {
        TestCluster.install(cp);
        TestCluster.makePoolNamespace(cp, ns.name());
        burst = Burst.prepare(cp, ns.name());
    }

    @AfterAll
    static void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        burst.close();
    }

    @Test
    void aSchedulerKilledFiveTimesDuringABurstLeavesEveryVmWithOneAgreeingHolder(ControlPlane cp, TestNamespace ns) {
        Random random = new Random(SEED);
        Instant start = Instant.now();
        scheduler = SchedulerProcess.start(cp, ns.name(), List.of(), "scheduler-killed-0.log").awaitReady();
        CompletableFuture<Burst.Result> running = burst.start(Burst.Settings.standard(PACE, SEED));
        List<String> kills = new ArrayList<>();

        for (int kill = 1; kill <= KILLS; kill++) {
            // Kill while it writes: after a few updates of requests since it became ready (or after a while, should
            // nothing be left to do).
            int mark = burst.updatesSeen() + 1 + random.nextInt(8);
            Instant ready = Instant.now();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> burst.updatesSeen() >= mark
                            || Duration.between(ready, Instant.now()).compareTo(Duration.ofSeconds(3)) > 0);
            scheduler.kill();
            kills.add(String.format("%.1f s (%d/%d operations)", Duration.between(start, Instant.now()).toMillis()
                    / 1000.0, burst.done(), burst.total()));
            scheduler = SchedulerProcess.start(cp, ns.name(), List.of(), "scheduler-killed-" + kill + ".log")
                    .awaitReady();
        }
        Burst.Result result = running.join();
        Invariants.Report report = burst.awaitQuiescence(Duration.ofSeconds(60));

        Duration settled = Duration.between(start, Instant.now());
        System.out.printf("scheduler process killed at %s (seed %d): %s; settled after %.1f s: %d assignments seen"
                + " (%.1f/s), %d request changes; %s%n", kills, SEED, result, settled.toMillis() / 1000.0,
                burst.assignmentsSeen(), burst.assignmentsSeen() / (settled.toMillis() / 1000.0), burst.changesSeen(),
                report);
        System.out.print(burst.evidence(report));
        assertThat(kills).hasSize(KILLS);
        assertThat(burst.violationsSeen()).as("violations seen during the burst (seed %d)", SEED).isEmpty();
        assertThat(report.violations()).as("invariants at quiescence (seed %d): %s", SEED, report.counts())
                .isEmpty();
    }
}
