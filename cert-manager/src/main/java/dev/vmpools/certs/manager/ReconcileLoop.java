package dev.vmpools.certs.manager;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the reconciler on one thread: at once when told something changed ({@link #trigger()}), else at the
 * instant the last pass asked for, but at least every {@link #MAX_WAIT} (a resync, in case a watch event
 * was lost). A pass that fails or throws is retried with backoff from 1 s doubling to {@link #MAX_BACKOFF};
 * nothing here ever stops the loop but {@link #stop()}.
 */
public final class ReconcileLoop implements AutoCloseable {

    static final Duration MAX_WAIT = Duration.ofMinutes(10);
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private static final System.Logger LOG = System.getLogger(ReconcileLoop.class.getName());

    private final Supplier<CertificateManager.Pass> reconcile;
    private final InstantSource clock;
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> next;
    private Instant nextAt;
    private Duration backoff = Duration.ZERO;

    public ReconcileLoop(Supplier<CertificateManager.Pass> reconcile, InstantSource clock) {
        this.reconcile = Objects.requireNonNull(reconcile, "reconcile");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts running passes, the first at once. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("certs-reconcile").factory());
        backoff = Duration.ZERO;
        scheduleAt(clock.instant());
    }

    /** Stops after the pass under way, if any; {@link #start()} may follow. */
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            next = null;
            nextAt = null;
        }
    }

    public synchronized boolean running() {
        return executor != null;
    }

    /** Something changed: run a pass as soon as the one under way (if any) is over. */
    public synchronized void trigger() {
        if (executor != null) {
            scheduleAt(clock.instant());
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Keeps the earliest requested run. */
    private synchronized void scheduleAt(Instant at) {
        if (executor == null) {
            return;
        }
        if (next != null && !next.isDone() && !nextAt.isAfter(at)) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        var delay = Duration.between(clock.instant(), at);
        nextAt = at;
        next = executor.schedule(this::run, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void run() {
        synchronized (this) {
            next = null;
            nextAt = null;
        }
        Instant lookAgainAt;
        var now = clock.instant();
        try {
            var pass = reconcile.get();
            if (pass.failure().isPresent()) {
                lookAgainAt = now.plus(backOff());
            } else {
                synchronized (this) {
                    backoff = Duration.ZERO;
                }
                lookAgainAt = pass.lookAgainAt();
            }
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                // Stopped (leadership lost, shutting down) in the middle of a pass: nothing failed.
                LOG.log(Level.DEBUG, () -> "certificate reconcile interrupted by stop: " + e);
                return;
            }
            var wait = backOff();
            LOG.log(Level.ERROR, "certificate reconcile failed; trying again in " + wait, e);
            lookAgainAt = now.plus(wait);
        }
        var latest = clock.instant().plus(MAX_WAIT);
        scheduleAt(lookAgainAt.isAfter(latest) ? latest : lookAgainAt);
    }

    private synchronized Duration backOff() {
        backoff = backoff.isZero() ? MIN_BACKOFF : backoff.multipliedBy(2);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        return backoff;
    }
}
