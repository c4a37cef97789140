package dev.vmpools.scheduler.controller;

import static dev.vmpools.scheduler.cluster.InMemoryCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.VmAssignmentStatus;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.assignment.Action;
import dev.vmpools.scheduler.assignment.AssignmentPlanner;
import dev.vmpools.scheduler.assignment.PlannerSettings;
import dev.vmpools.scheduler.cluster.GroupNode;
import dev.vmpools.scheduler.cluster.InMemoryCluster;
import dev.vmpools.scheduler.cluster.ObjectKey;
import dev.vmpools.scheduler.cluster.PlanningGroup;
import dev.vmpools.scheduler.execution.PlanRunner;
import dev.vmpools.scheduler.execution.WriteOutcome;
import dev.vmpools.scheduler.observability.SchedulerMetrics;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupReconcilerTest {
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration GRACE = Duration.ofSeconds(3);

    private final InMemoryCluster cluster = new InMemoryCluster();
    private final List<Action> performed = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong revision = new AtomicLong(1000);
    private Function<Action, WriteOutcome> answer = this::accept;
    private final PlanRunner runner = new PlanRunner((namespace, action, planned) -> {
        synchronized (performed) {
            performed.add(action);
        }
        return answer.apply(action);
    });

    @AfterEach
    void close() {
        runner.close();
    }

    private GroupReconciler reconciler(Optional<Duration> terminalTtl) {
        return new GroupReconciler(cluster, RetentionMode.COMPATIBLE, new AssignmentPlanner(PlannerSettings.defaults()),
                runner, new WriteExpectations(Duration.ofSeconds(5), System::nanoTime), InstantSource.fixed(NOW),
                new SchedulerMetrics(registry, () -> 0), terminalTtl, (namespace, request, version) -> {
                    deleted.add(request);
                    return new WriteOutcome.Written(Optional.empty(), Optional.of(version), "");
                }, RETRY, new FinalizerGrace(GRACE));
    }

    private GroupReconciler.Outcome reconcile(GroupReconciler reconciler) throws InterruptedException {
        return reconciler.reconcile(PlanningGroup.of(cluster, GroupNode.pool(NS, "lab")));
    }

    @Test
    void performsThePlanAndComesBackWhenTheAssignmentExpires() throws InterruptedException {
        cluster.addPool("lab", "PT1H");
        cluster.addVm("lab-1", "lab");
        cluster.addRequest("alice-lab", "lab", "alice");

        GroupReconciler.Outcome outcome = reconcile(reconciler(Optional.empty()));

        assertThat(performed).hasAtLeastOneElementOfType(Action.WriteLease.class)
                .hasAtLeastOneElementOfType(Action.CommitAssignment.class)
                .hasAtLeastOneElementOfType(Action.SetDesiredState.class)
                .hasAtLeastOneElementOfType(Action.WriteRequestStatus.class)
                .hasAtLeastOneElementOfType(Action.WritePoolStatus.class);
        assertThat(outcome.wakeAt()).contains(NOW.plus(Duration.ofHours(1)));
        assertThat(outcome.retry()).isEmpty();
        assertThat(outcome.failed()).isFalse();
        assertThat(registry.get("vmpools.scheduler.assignments").tag("result", "Assigned").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("vmpools.scheduler.assignment.latency").timer().count()).isEqualTo(1);
    }

    @Test
    void plansAgainOnlyOnceTheCachesShowItsOwnWrites() throws InterruptedException {
        cluster.addPool("lab", "PT1H");
        cluster.addVm("lab-1", "lab");
        cluster.addRequest("alice-lab", "lab", "alice");
        GroupReconciler reconciler = reconciler(Optional.empty());
        reconcile(reconciler);
        performed.clear();

        GroupReconciler.Outcome outcome = reconcile(reconciler);

        assertThat(performed).isEmpty();
        assertThat(outcome.retry()).hasValueSatisfying(wait -> assertThat(wait).isPositive());
    }

    @Test
    void contentionEndsTheChainAndAsksForAnotherPlanSoon() throws InterruptedException {
        cluster.addPool("lab", "PT1H");
        cluster.addVm("lab-1", "lab");
        cluster.addRequest("alice-lab", "lab", "alice");
        answer = action -> action instanceof Action.WriteLease
                ? new WriteOutcome.Contended("Lease taken by another writer", true)
                : accept(action);

        GroupReconciler.Outcome outcome = reconcile(reconciler(Optional.empty()));

        assertThat(performed).noneMatch(a -> a instanceof Action.CommitAssignment);
        assertThat(outcome.retry()).contains(RETRY);
        assertThat(outcome.failed()).isFalse();
        assertThat(registry.get("vmpools.scheduler.lease.conflicts").counter().count()).isEqualTo(1);
    }

    @Test
    void aWriteThatFailsOtherwiseIsReportedForBackOff() throws InterruptedException {
        cluster.addPool("lab", "PT1H");
        cluster.addVm("lab-1", "lab");
        cluster.addRequest("alice-lab", "lab", "alice");
        answer = action -> action instanceof Action.WriteLease
                ? new WriteOutcome.Failed("HTTP 403", new IllegalStateException("forbidden"))
                : accept(action);

        GroupReconciler.Outcome outcome = reconcile(reconciler(Optional.empty()));

        assertThat(outcome.failed()).isTrue();
        assertThat(registry.get("vmpools.scheduler.write.failures").counter().count()).isEqualTo(1);
    }

    @Test
    void deletesATerminalRequestOnlyOnceItsTimeToLiveIsUp() throws InterruptedException {
        cluster.addPool("lab", "PT1H");
        expiredAt("long-ago", NOW.minus(Duration.ofHours(25)));
        expiredAt("recent", NOW.minus(Duration.ofHours(1)));

        GroupReconciler.Outcome outcome = reconcile(reconciler(Optional.of(Duration.ofDays(1))));

        assertThat(deleted).containsExactly("long-ago");
        assertThat(outcome.wakeAt()).contains(NOW.minus(Duration.ofHours(1)).plus(Duration.ofDays(1)));
    }

    @Test
    void aDeletedRequestKeepsItsFinalizerForTheGraceThoughItsVmIsReleasedAtOnce() throws InterruptedException {
        cluster.addPool("lab", "PT1H");
        cluster.addVm("lab-1", "lab");
        var request = cluster.addRequest("alice-lab", "lab", "alice");
        request.getMetadata().setFinalizers(List.of("vmpools.dev/release"));
        request.getMetadata().setDeletionTimestamp(NOW.minusSeconds(1).toString());

        GroupReconciler.Outcome early = reconcile(reconciler(Optional.empty()));

        assertThat(performed).noneMatch(a -> a instanceof Action.RemoveFinalizer);
        assertThat(early.wakeAt()).contains(NOW.plus(GRACE).minusSeconds(1));

        performed.clear();
        request.getMetadata().setDeletionTimestamp(NOW.minus(GRACE).toString());
        cluster.bump(request);
        reconcile(reconciler(Optional.empty()));

        assertThat(performed).hasAtLeastOneElementOfType(Action.RemoveFinalizer.class);
    }

    private void expiredAt(String request, Instant when) {
        var r = cluster.addRequest(request, "lab", "alice-" + request);
        r.setStatus(new VmAssignmentStatus(null, null, null, null, null, null, 1L, List.of(
                new ConditionBuilder().withType("Assigned").withStatus("False").withReason("Expired").withMessage("")
                        .withLastTransitionTime(when.toString()).withObservedGeneration(1L).build(),
                new ConditionBuilder().withType("Ready").withStatus("False").withReason("NotAssigned").withMessage("")
                        .withLastTransitionTime(when.toString()).withObservedGeneration(1L).build())));
    }

    /** The API server's answer to a write that goes through: the next version of the object. */
    private WriteOutcome accept(Action action) {
        String next = Long.toString(revision.incrementAndGet());
        ObjectKey key = switch (action) {
            case Action.WriteLease w -> new ObjectKey(ObjectKey.Kind.LEASE, NS, w.lease());
            case Action.PatchVmStatus p -> new ObjectKey(ObjectKey.Kind.VM, NS, p.vm());
            case Action.SetDesiredState s -> new ObjectKey(ObjectKey.Kind.VM, NS, s.vm());
            case Action.UpdateRequestMetadata u -> new ObjectKey(ObjectKey.Kind.REQUEST, NS, u.request());
            case Action.WriteRequestStatus w -> new ObjectKey(ObjectKey.Kind.REQUEST, NS, w.request());
            case Action.RemoveFinalizer r -> new ObjectKey(ObjectKey.Kind.REQUEST, NS, r.request());
            case Action.WritePoolStatus w -> new ObjectKey(ObjectKey.Kind.POOL, NS, w.pool());
            case Action.EmitEvent e -> null;
        };
        if (key == null) {
            return WriteOutcome.Written.event();
        }
        return new WriteOutcome.Written(Optional.of(key), cluster.versionOf(key), next);
    }
}
