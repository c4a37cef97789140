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
 */
public record PlannerSettings(boolean stopAfterExpiry, Duration poolNotFoundGrace) {

    public static final Duration DEFAULT_POOL_NOT_FOUND_GRACE = Duration.ofSeconds(10);

    public PlannerSettings {
        Objects.requireNonNull(poolNotFoundGrace, "poolNotFoundGrace");
        if (poolNotFoundGrace.isNegative()) {
            throw new IllegalArgumentException("poolNotFoundGrace must not be negative, got " + poolNotFoundGrace);
        }
    }

    /** VMs keep running after expiry; a missing pool is believed after 10 s. */
    public static PlannerSettings defaults() {
        return new PlannerSettings(false, DEFAULT_POOL_NOT_FOUND_GRACE);
    }
}
