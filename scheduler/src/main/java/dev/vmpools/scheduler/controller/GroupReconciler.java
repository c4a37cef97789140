package dev.vmpools.scheduler.controller;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.scheduler.assignment.Action;
import dev.vmpools.scheduler.assignment.AssignmentPlanner;
import dev.vmpools.scheduler.assignment.Plan;
import dev.vmpools.scheduler.assignment.RequestState;
import dev.vmpools.scheduler.assignment.RequestStatus;
import dev.vmpools.scheduler.assignment.Snapshot;
import dev.vmpools.scheduler.cluster.ClusterView;
import dev.vmpools.scheduler.cluster.PlanningGroup;
import dev.vmpools.scheduler.cluster.VmStates;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.execution.PlanRunner;
import dev.vmpools.scheduler.execution.WriteOutcome;
import dev.vmpools.scheduler.observability.SchedulerMetrics;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plans one planning group from the caches and performs the plan (level-based: the whole state is read every
 * time, whatever event brought the group here). Says when to come back: at the plan's next wake-up instant
 * (an expiry, an absolute retention, a Lease running out; never by polling), soon after contention (409, a
 * failed {@code test}: the caches will show the newer state), or after a back-off when a write failed.
 */
public final class GroupReconciler {
    private static final System.Logger LOG = System.getLogger(GroupReconciler.class.getName());
    /** The longest a request is remembered as first seen without ever being assigned. */
    private static final int MAX_REMEMBERED = 100_000;

    /** Deletes a terminal request after {@code --terminal-ttl}, preconditioned on the version read. */
    @FunctionalInterface
    public interface TerminalDeleter {
        WriteOutcome delete(String namespace, String request, String resourceVersion);
    }

    /**
     * When to plan the group again, if nothing changes before.
     *
     * @param wakeAt when time alone changes the plan
     * @param retry after contention or a failure: plan again after this delay
     * @param failed a write failed other than by contention (the caller backs off)
     */
    public record Outcome(Optional<Instant> wakeAt, Optional<Duration> retry, boolean failed) {
        public static final Outcome SETTLED = new Outcome(Optional.empty(), Optional.empty(), false);
    }

    private final ClusterView view;
    private final RetentionMode retentionMode;
    private final AssignmentPlanner planner;
    private final PlanRunner runner;
    private final WriteExpectations expectations;
    private final InstantSource clock;
    private final SchedulerMetrics metrics;
    private final Optional<Duration> terminalTtl;
    /** The planner's view of each VM, kept while the VM and its Lease stay as they were. */
    private final VmStates vmStates = new VmStates();
    private final TerminalDeleter deleter;
    private final Duration contentionRetry;
    private final FinalizerGrace finalizerGrace;
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

    public GroupReconciler(ClusterView view, RetentionMode retentionMode, AssignmentPlanner planner, PlanRunner runner,
            WriteExpectations expectations, InstantSource clock, SchedulerMetrics metrics,
            Optional<Duration> terminalTtl, TerminalDeleter deleter, Duration contentionRetry,
            FinalizerGrace finalizerGrace) {
        this.view = view;
        this.retentionMode = retentionMode;
        this.planner = planner;
        this.runner = runner;
        this.expectations = expectations;
        this.clock = clock;
        this.metrics = metrics;
        this.terminalTtl = Objects.requireNonNull(terminalTtl, "terminalTtl");
        this.deleter = deleter;
        this.contentionRetry = contentionRetry;
        this.finalizerGrace = Objects.requireNonNull(finalizerGrace, "finalizerGrace");
    }

    /** Plans the group and performs the plan. */
    public Outcome reconcile(PlanningGroup group) throws InterruptedException {
        if (group.isEmpty()) {
            return Outcome.SETTLED;
        }
        Optional<Duration> behind = expectations.behind(group.objectKeys(), view::versionOf);
        if (behind.isPresent()) {
            // Our last writes have not reached the caches: their events bring the group back, or the deadline.
            LOG.log(Level.DEBUG, () -> "group " + group.representative() + " waits for the caches to show its writes");
            return new Outcome(Optional.empty(), behind, false);
        }
        Instant now = clock.instant();
        Optional<Instant> wakeAt = Optional.empty();
        boolean contended = false;
        boolean failed = false;
        for (Snapshot snapshot : group.snapshots(retentionMode, vmStates)) {
            Map<String, RequestState> requests = new HashMap<>();
            snapshot.requests().forEach(r -> requests.put(r.name(), r));
            remember(snapshot, now);
            Plan plan = planner.plan(snapshot, now);
            metrics.planned();
            wakeAt = earliest(wakeAt, plan.wakeAt());
            FinalizerGrace.Deferred deferred = finalizerGrace.apply(plan.chains(), requests, now);
            wakeAt = earliest(wakeAt, deferred.due());
            if (!deferred.chains().isEmpty()) {
                LOG.log(Level.DEBUG, () -> "group " + group.namespace() + "/" + snapshot.key() + ": "
                        + deferred.chains().stream().mapToInt(c -> c.actions().size()).sum() + " writes in "
                        + deferred.chains().size() + " chains");
                for (PlanRunner.ChainResult chain : runner.run(group.namespace(), deferred.chains(),
                        group::versionOf)) {
                    for (PlanRunner.Performed performed : chain.performed()) {
                        switch (performed.outcome()) {
                            case WriteOutcome.Written written -> written(written, performed.action(), requests, now);
                            case WriteOutcome.Contended contention -> {
                                contended = true;
                                if (contention.leaseConflict()) {
                                    metrics.leaseConflict();
                                }
                                LOG.log(Level.DEBUG, () -> contention.why() + "; planning again");
                            }
                            case WriteOutcome.Failed failure -> {
                                failed = true;
                                metrics.writeFailed();
                                LOG.log(Level.WARNING, failure.why() + "; trying again after a pause");
                            }
                            case WriteOutcome.Skipped skipped -> LOG.log(Level.DEBUG, skipped::why);
                        }
                    }
                }
            }
            if (terminalTtl.isPresent()) {
                wakeAt = earliest(wakeAt, deleteTerminal(group.namespace(), snapshot, plan, now));
            }
        }
        Optional<Duration> retry = contended || failed ? Optional.of(contentionRetry) : Optional.empty();
        return new Outcome(wakeAt, retry, failed);
    }

    private void written(WriteOutcome.Written written, Action action, Map<String, RequestState> requests,
            Instant now) {
        written.object().ifPresent(key -> expectations.written(key, written.before(), written.after()));
        if (!(action instanceof Action.WriteRequestStatus write)) {
            return;
        }
        RequestState request = requests.get(write.request());
        Optional<RequestStatus> before = request == null ? Optional.empty() : request.status();
        AssignmentReason previous = before.flatMap(RequestStatus::reason).orElse(null);
        AssignmentReason next = write.status().reason().orElse(null);
        boolean otherVm = next == AssignmentReason.ASSIGNED
                && !Objects.equals(before.map(RequestStatus::vm).orElse(null), write.status().vm());
        if (next == null || (next == previous && !otherVm)) {
            return;
        }
        metrics.result(next.reason());
        if (next == AssignmentReason.ASSIGNED && request != null) {
            metrics.assigned(Duration.between(startOf(request), now));
            firstSeen.remove(request.uid());
        } else if (next == AssignmentReason.EXPIRED) {
            metrics.expired();
        }
        if (next.terminal() && request != null) {
            firstSeen.remove(request.uid());
        }
    }

    /** When a request was first seen, for the latency of its assignment. */
    private void remember(Snapshot snapshot, Instant now) {
        if (firstSeen.size() > MAX_REMEMBERED) {
            firstSeen.clear();
        }
        for (RequestState request : snapshot.requests()) {
            boolean waiting = !request.deleting() && request.status()
                    .map(s -> !s.terminal() && s.reason().orElse(null) != AssignmentReason.ASSIGNED).orElse(true);
            if (waiting) {
                firstSeen.putIfAbsent(request.uid(), now);
            } else {
                firstSeen.remove(request.uid());
            }
        }
    }

    /**
     * The start of a request's wait: when the scheduler first saw it, unless it existed well before that (the
     * scheduler started later); creation timestamps have whole seconds only.
     */
    private Instant startOf(RequestState request) {
        Instant seen = firstSeen.get(request.uid());
        if (seen == null || request.created().isBefore(seen.minusSeconds(2))) {
            return request.created();
        }
        return seen;
    }

    /** Deletes terminal requests whose time is up; returns when the next one's is. */
    private Optional<Instant> deleteTerminal(String namespace, Snapshot snapshot, Plan plan, Instant now) {
        Duration ttl = terminalTtl.orElseThrow();
        Optional<Instant> next = Optional.empty();
        for (RequestState request : snapshot.requests()) {
            RequestStatus status = plan.requests().get(request.name());
            if (request.deleting() || status == null || !status.terminal()) {
                continue;
            }
            Instant due = status.assigned().lastTransitionTime().plus(ttl);
            if (now.isBefore(due)) {
                next = earliest(next, Optional.of(due));
                continue;
            }
            WriteOutcome outcome = deleter.delete(namespace, request.name(), request.resourceVersion());
            switch (outcome) {
                case WriteOutcome.Written written -> {
                    LOG.log(Level.INFO, () -> "VmAssignment " + namespace + "/" + request.name() + " deleted: "
                            + status.assigned().reason() + " for longer than " + ttl);
                    written.object().ifPresent(key -> expectations.written(key, written.before(), written.after()));
                }
                case WriteOutcome.Failed failure -> LOG.log(Level.WARNING, failure.why());
                default -> LOG.log(Level.DEBUG, () -> "VmAssignment " + namespace + "/" + request.name()
                        + " not deleted now: " + outcome);
            }
        }
        return next;
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
    }
}
