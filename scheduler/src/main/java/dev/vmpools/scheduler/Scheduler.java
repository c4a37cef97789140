package dev.vmpools.scheduler;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.scheduler.assignment.AssignmentPlanner;
import dev.vmpools.scheduler.cluster.ClusterCaches;
import dev.vmpools.scheduler.cluster.GroupNode;
import dev.vmpools.scheduler.controller.Controller;
import dev.vmpools.scheduler.controller.FinalizerGrace;
import dev.vmpools.scheduler.controller.GroupReconciler;
import dev.vmpools.scheduler.controller.WorkQueue;
import dev.vmpools.scheduler.controller.WriteExpectations;
import dev.vmpools.scheduler.execution.ClusterWriter;
import dev.vmpools.scheduler.execution.PlanRunner;
import dev.vmpools.scheduler.leader.Leadership;
import dev.vmpools.scheduler.observability.HealthServer;
import dev.vmpools.scheduler.observability.SchedulerMetrics;
import dev.vmpools.scheduler.rights.RightsGuard;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The running scheduler: informer caches of the pool namespaces, a work queue of planning groups, workers that
 * plan with the {@link AssignmentPlanner} and perform the plans, optional leader election, and the HTTP server
 * of health and metrics. Built from a {@link SchedulerConfig}, a Kubernetes client (whose identity needs the
 * scheduler's RBAC) and a clock; the launcher calls {@link #start} and {@link #close()}.
 */
public final class Scheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
    private static final int WORKERS = 8;
    /** How long a group waits for the caches to show its own writes before it is planned anyway. */
    private static final Duration WRITE_PATIENCE = Duration.ofSeconds(5);
    /** After contention the caches soon show the newer state (its event usually replans first). */
    private static final Duration CONTENTION_RETRY = Duration.ofSeconds(1);
    /** A deleted request keeps its finalizer this long, so that a hold taken for it meanwhile is still released. */
    private static final Duration FINALIZER_GRACE = Duration.ofSeconds(3);

    private final String identity;
    private final WorkQueue queue;
    private final ClusterCaches caches;
    private final Controller controller;
    private final PlanRunner runner;
    private final ScheduledExecutorService startup;
    private final PrometheusMeterRegistry registry;
    private volatile HealthServer health;
    private volatile Leadership leadership;
    private volatile RightsGuard guard;
    private volatile boolean synced;
    private volatile boolean leading;

    private Scheduler(SchedulerConfig config, KubernetesClient client, InstantSource clock) {
        this.identity = newIdentity();
        this.queue = new WorkQueue();
        queue.pause();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.caches = ClusterCaches.start(client, config.poolNamespaces(), this::changed);
        ClusterWriter writer = new ClusterWriter(client, caches, identity, clock);
        this.runner = new PlanRunner(writer::perform);
        SchedulerMetrics metrics = new SchedulerMetrics(registry, this::waiting);
        GroupReconciler reconciler = new GroupReconciler(caches, config.retentionMode(),
                new AssignmentPlanner(config.plannerSettings()), runner,
                new WriteExpectations(WRITE_PATIENCE, System::nanoTime), clock, metrics, config.terminalTtl(),
                writer::deleteRequest, CONTENTION_RETRY, new FinalizerGrace(FINALIZER_GRACE));
        this.controller = new Controller(queue, caches, reconciler, clock, WORKERS).start();
        this.startup = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("vmpools-scheduler-startup").factory());
        this.leading = !config.leaderElection();
    }

    /**
     * Starts the scheduler: the caches begin to fill at once; planning starts when they have synced (and this
     * replica leads, with leader election on).
     *
     * @throws IOException when the health and metrics port cannot be opened
     */
    public static Scheduler start(SchedulerConfig config, KubernetesClient client, InstantSource clock)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(clock, "clock");
        Scheduler scheduler = new Scheduler(config, client, clock);
        try {
            scheduler.health = HealthServer.start(config.metricsPort(), scheduler.controller::alive,
                    scheduler::ready, scheduler.registry);
            if (!config.poolNamespaces().isEmpty()) {
                scheduler.guard = RightsGuard.start(client, config.poolNamespaces(), scheduler::ready,
                        scheduler.caches::hasRequests);
            }
            if (config.leaderElection()) {
                scheduler.leadership = Leadership.start(client, config.namespace(), scheduler.identity,
                        scheduler::leadershipChanged);
            }
            scheduler.awaitSync();
            LOG.log(Level.INFO, () -> "scheduler " + scheduler.identity + " started for "
                    + (config.poolNamespaces().isEmpty() ? "every namespace" : "namespaces "
                            + String.join(",", config.poolNamespaces().stream().sorted().toList()))
                    + "; health and metrics on port " + scheduler.health.port());
            return scheduler;
        } catch (IOException | RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    /** Whether the caches have synced: the scheduler can plan (if it leads). */
    public boolean ready() {
        return synced;
    }

    /** Whether this replica plans: it leads, or leader election is off. */
    public boolean leading() {
        return leading;
    }

    /** The port of {@code /health/*} and {@code /metrics}. */
    public int metricsPort() {
        return health.port();
    }

    /** This replica's name: the election identity and the {@code reportingInstance} of its Events. */
    public String identity() {
        return identity;
    }

    /**
     * Plans every group again. Never needed in operation (every change and every expiry brings its group back);
     * for a controllable clock in tests, after moving it.
     */
    public void resync() {
        queue.add(caches.nodes());
    }

    private void changed(java.util.Collection<GroupNode> nodes) {
        queue.add(nodes);
        RightsGuard current = guard;
        if (current != null) {
            nodes.stream().map(GroupNode::namespace).distinct().forEach(current::touched);
        }
    }

    /** Checks every 50 ms, at start-up only, whether the caches have listed everything. */
    private void awaitSync() {
        startup.schedule(() -> {
            if (!caches.synced()) {
                awaitSync();
                return;
            }
            synced = true;
            LOG.log(Level.INFO, "caches synced");
            gate();
            RightsGuard current = guard;
            if (current != null) {
                current.touchAll();
            }
        }, 50, TimeUnit.MILLISECONDS);
    }

    private void leadershipChanged(boolean now) {
        leading = now;
        gate();
    }

    /** Plans only with complete caches, and only while leading. */
    private synchronized void gate() {
        if (synced && leading) {
            queue.resume();
            resync();
        } else {
            queue.pause();
        }
    }

    /** Active requests without a VM, from the caches (for the gauge). */
    private Number waiting() {
        return caches.allRequests().filter(r -> r.getMetadata().getDeletionTimestamp() == null)
                .filter(Scheduler::waitsForVm).count();
    }

    private static boolean waitsForVm(VmAssignment request) {
        if (request.getStatus() == null || request.getStatus().conditions() == null) {
            return true;
        }
        Optional<String> reason = request.getStatus().conditions().stream()
                .filter(c -> c != null && ConditionTypes.ASSIGNED.equals(c.getType())).map(Condition::getReason)
                .filter(Objects::nonNull).findFirst();
        return reason.flatMap(AssignmentReason::fromReason)
                .map(r -> r == AssignmentReason.WAITING || r == AssignmentReason.DUPLICATE
                        || r == AssignmentReason.VM_GONE)
                .orElse(true);
    }

    private static String newIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "scheduler";
        }
        return host + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Stops planning, gives up the lead, stops the caches and the HTTP server. */
    @Override
    public void close() {
        startup.shutdownNow();
        if (leadership != null) {
            leadership.close();
        }
        controller.close();
        runner.close();
        if (guard != null) {
            guard.close();
        }
        caches.close();
        if (health != null) {
            health.close();
        }
        registry.close();
    }
}
