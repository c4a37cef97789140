package dev.vmpools.api.permission;

import java.util.List;
import java.util.Objects;

/**
 * A pool's {@code spec.permissions} as read by {@link PoolPermissions#read}.
 *
 * @param permissions the grants that could be read (a grant with unknown names keeps the known ones)
 * @param problems what makes the list invalid; the webhook denies a pool with any
 * @param warnings what is allowed but probably not meant, e.g. duplicate grants
 */
public record GrantReading(PoolPermissions permissions, List<GrantProblem> problems, List<String> warnings) {
    public GrantReading {
        Objects.requireNonNull(permissions, "permissions");
        problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
