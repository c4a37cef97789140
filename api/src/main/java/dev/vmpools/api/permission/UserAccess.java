package dev.vmpools.api.permission;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a user may do in a pool, and why.
 *
 * @param permissions the union of {@code may} over the matching grants
 * @param matched the matching grants that grant something, in the pool's order
 */
public record UserAccess(Set<Permission> permissions, List<Grant> matched) {
    public UserAccess {
        permissions = PermissionSets.copy(Objects.requireNonNull(permissions, "permissions"));
        matched = List.copyOf(Objects.requireNonNull(matched, "matched"));
    }

    /** A pool is usable by a user who holds any permission in it. */
    public boolean mayUse() {
        return !permissions.isEmpty();
    }

    public boolean may(Permission permission) {
        return permissions.contains(permission);
    }

    /** The granted-by record of the matching grants; empty when nothing matched. */
    public Optional<GrantedBy> grantedBy() {
        return GrantedBy.grants(matched);
    }
}
