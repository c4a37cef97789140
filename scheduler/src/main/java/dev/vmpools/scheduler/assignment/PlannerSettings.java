package dev.vmpools.scheduler.assignment;

import java.time.Duration;
import java.util.Objects;

/**
 * Choices an operator makes.
 *
 * @param stopAfterExpiry set {@code spec.vm.state: Stopped} when an assignment expires and nobody takes the
 *     VM over ({@code --stop-after-expiry})
 * @param poolNotFoundGrace how long a request whose pool is not (yet) in the cache waits before it ends with
 *     {@code PoolNotFound}: a pool and a request created together may reach the informers in either order
 * @param cacheLag how long after an assignment the planner trusts a request's status over a Lease cache that
 *     does not show the assignment yet (the informers deliver Leases, VMs and requests independently); after
 *     that, a missing or older Lease means the hold is gone
 */
public record PlannerSettings(boolean stopAfterExpiry, Duration poolNotFoundGrace, Duration cacheLag) {

    public static final Duration DEFAULT_POOL_NOT_FOUND_GRACE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CACHE_LAG = Duration.ofSeconds(30);

    public PlannerSettings {
        Objects.requireNonNull(poolNotFoundGrace, "poolNotFoundGrace");
        Objects.requireNonNull(cacheLag, "cacheLag");
        if (poolNotFoundGrace.isNegative()) {
            throw new IllegalArgumentException("poolNotFoundGrace must not be negative, got " + poolNotFoundGrace);
        }
        if (cacheLag.isNegative()) {
            throw new IllegalArgumentException("cacheLag must not be negative, got " + cacheLag);
        }
    }

    /** With the default cache lag. */
    public PlannerSettings(boolean stopAfterExpiry, Duration poolNotFoundGrace) {
        this(stopAfterExpiry, poolNotFoundGrace, DEFAULT_CACHE_LAG);
    }

    /** VMs keep running after expiry; a missing pool is believed after 10 s; caches may lag 30 s. */
    public static PlannerSettings defaults() {
        return new PlannerSettings(false, DEFAULT_POOL_NOT_FOUND_GRACE, DEFAULT_CACHE_LAG);
    }
}
