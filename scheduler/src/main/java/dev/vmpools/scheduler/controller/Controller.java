package dev.vmpools.scheduler.controller;

import dev.vmpools.scheduler.cluster.ClusterView;
import dev.vmpools.scheduler.cluster.GroupNode;
import dev.vmpools.scheduler.cluster.PlanningGroup;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workers: take a node from the {@link WorkQueue}, read its planning group from the caches, claim it, let
 * the {@link GroupReconciler} plan and write, release it, and arrange to come back when the plan says (at its
 * wake-up instant, by a timer, never by polling) or after contention or a failure.
 */
public final class Controller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Controller.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    private final WorkQueue queue;
    private final ClusterView view;
    private final GroupReconciler reconciler;
    private final InstantSource clock;
    private final int workers;
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledExecutorService timers;
    private final Map<GroupNode, Wake> wakes = new ConcurrentHashMap<>();
    private final Map<GroupNode, Integer> failures = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean closed;

    private record Wake(Instant at, ScheduledFuture<?> timer) {
    }

    public Controller(WorkQueue queue, ClusterView view, GroupReconciler reconciler, InstantSource clock,
            int workers) {
        this.queue = queue;
        this.view = view;
        this.reconciler = reconciler;
        this.clock = clock;
        this.workers = workers;
        this.timers = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("vmpools-scheduler-timers").factory());
    }

    public Controller start() {
        for (int i = 0; i < workers; i++) {
            threads.add(Thread.ofVirtual().name("vmpools-scheduler-worker-" + i).start(this::work));
        }
        return this;
    }

    /** Whether every worker is running (for {@code /health/live}). */
    public boolean alive() {
        return !closed && running.get() == workers;
    }

    private void work() {
        running.incrementAndGet();
        try {
            while (!closed) {
                Optional<GroupNode> taken = queue.take();
                if (taken.isEmpty()) {
                    return;
                }
                process(taken.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
    }

    private void process(GroupNode node) throws InterruptedException {
        PlanningGroup group = PlanningGroup.of(view, node);
        Set<GroupNode> nodes = group.nodes();
        if (!queue.claim(node, nodes)) {
            return;
        }
        GroupNode key = group.representative();
        try {
            GroupReconciler.Outcome outcome = reconciler.reconcile(group);
            outcome.wakeAt().ifPresent(at -> wakeAt(key, at));
            if (outcome.failed()) {
                int attempt = failures.merge(key, 1, Integer::sum);
                retry(key, backoff(attempt));
            } else {
                failures.remove(key);
                outcome.retry().ifPresent(delay -> retry(key, delay));
            }
        } catch (InterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            int attempt = failures.merge(key, 1, Integer::sum);
            LOG.log(Level.ERROR, "planning group " + key + " failed; trying again after a pause", e);
            retry(key, backoff(attempt));
        } finally {
            queue.release(nodes);
        }
    }

    private static Duration backoff(int attempt) {
        Duration delay = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt - 1, 10));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    /** Plans the group of {@code node} again at {@code at} (by the injected clock), unless an earlier wake is set. */
    void wakeAt(GroupNode node, Instant at) {
        if (closed) {
            return;
        }
        wakes.compute(node, (n, existing) -> {
            if (existing != null && !existing.timer().isDone() && !existing.at().isAfter(at)) {
                return existing;
            }
            if (existing != null) {
                existing.timer().cancel(false);
            }
            return new Wake(at, schedule(n, at));
        });
    }

    private ScheduledFuture<?> schedule(GroupNode node, Instant at) {
        // One millisecond late rather than early: the plan must see the instant reached.
        long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis() + 1);
        return timers.schedule(() -> {
            wakes.computeIfPresent(node, (n, wake) -> wake.at().equals(at) ? null : wake);
            if (clock.instant().isBefore(at)) {
                wakeAt(node, at);
            } else {
                queue.add(List.of(node));
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void retry(GroupNode node, Duration delay) {
        if (!closed) {
            timers.schedule(() -> queue.add(List.of(node)), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        closed = true;
        queue.close();
        timers.shutdownNow();
        for (Thread thread : threads) {
            thread.interrupt();
        }
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
