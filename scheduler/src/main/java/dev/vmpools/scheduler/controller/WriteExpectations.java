package dev.vmpools.scheduler.controller;

import dev.vmpools.scheduler.cluster.ObjectKey;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Our own writes the informer caches have not shown yet. Planning a group again before its caches show what
 * the last plan wrote would only repeat writes (and Events); so a group waits until every object written for
 * it reads back newer than before the write, or gone, or until a deadline passes (a missed event must not stall
 * a group). Resource versions are compared for equality only, as Kubernetes asks: the cache has caught up when
 * it holds none of the versions known to be older than our last write.
 */
public final class WriteExpectations {
    private final Duration patience;
    private final LongSupplier nanoTime;
    private final Map<ObjectKey, Expected> expected = new HashMap<>();

    /**
     * @param patience how long a group waits for its writes to show before it is planned anyway
     * @param nanoTime a monotonic clock (deadlines are operational, not part of the domain's time)
     */
    public WriteExpectations(Duration patience, LongSupplier nanoTime) {
        this.patience = patience;
        this.nanoTime = nanoTime;
    }

    private record Expected(Set<String> stale, boolean mustExist, long deadline) {
    }

    /**
     * Records a write.
     *
     * @param before the version the write was planned against; empty for a create
     * @param after the version the server answered with
     */
    public synchronized void written(ObjectKey key, Optional<String> before, String after) {
        Expected previous = expected.get(key);
        Set<String> stale = new HashSet<>();
        boolean mustExist = before.isEmpty();
        if (previous != null) {
            stale.addAll(previous.stale());
            mustExist |= previous.mustExist();
        }
        before.ifPresent(stale::add);
        stale.remove(after);
        expected.put(key, new Expected(stale, mustExist, nanoTime.getAsLong() + patience.toNanos()));
    }

    /** Forgets what was expected of an object (its write was superseded by a failure, say). */
    public synchronized void forget(ObjectKey key) {
        expected.remove(key);
    }

    /**
     * How long until the caches may be trusted for these objects: empty when they show every write already (or
     * the deadline passed), else the time left to the first deadline.
     *
     * @param current the version the caches hold, empty when they hold no such object
     */
    public synchronized Optional<Duration> behind(Collection<ObjectKey> keys,
            Function<ObjectKey, Optional<String>> current) {
        long now = nanoTime.getAsLong();
        long wait = Long.MAX_VALUE;
        for (ObjectKey key : keys) {
            Expected e = expected.get(key);
            if (e == null) {
                continue;
            }
            Optional<String> version = current.apply(key);
            boolean caughtUp = version.isEmpty() ? !e.mustExist() : !e.stale().contains(version.get());
            if (caughtUp || now - e.deadline() >= 0) {
                expected.remove(key);
            } else {
                wait = Math.min(wait, e.deadline() - now);
            }
        }
        return wait == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofNanos(wait));
    }

    /** Objects with writes not yet shown. */
    public synchronized int size() {
        return expected.size();
    }
}
