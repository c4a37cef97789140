package dev.vmpools.api.permission;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@code may} list as read.
 *
 * @param permissions the permissions it names
 * @param unknown the names that are no permission, in order ({@code "null"} for a null entry)
 */
public record ParsedPermissions(Set<Permission> permissions, List<String> unknown) {
    public ParsedPermissions {
        permissions = PermissionSets.copy(Objects.requireNonNull(permissions, "permissions"));
        unknown = List.copyOf(Objects.requireNonNull(unknown, "unknown"));
    }
}

