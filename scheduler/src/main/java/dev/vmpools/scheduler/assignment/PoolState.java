package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.permission.PoolPermissions;
import dev.vmpools.api.retention.Retention;
import dev.vmpools.api.retention.RetentionOutcome;
import java.util.Objects;
import java.util.Optional;

/**
 * A VmPool as the planner sees it.
 *
 * @param name the pool name
 * @param uid the pool's uid (for Events)
 * @param generation {@code metadata.generation}, reported back as {@code status.observedGeneration}
 * @param retention {@code spec.retention} as parsed, or why it cannot be used
 * @param permissions the pool's grants, for the revocation check of {@code granted-by}
 * @param status the pool status as last written, if any
 */
public record PoolState(String name, String uid, long generation, RetentionOutcome retention,
        PoolPermissions permissions, Optional<PoolStatus> status) {

    public PoolState {
        Checks.name(name, "name");
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(status, "status");
    }

    /** The retention, empty when it could not be parsed. */
    public Optional<Retention> validRetention() {
        return retention instanceof RetentionOutcome.Accepted accepted
                ? Optional.of(accepted.retention())
                : Optional.empty();
    }
}
