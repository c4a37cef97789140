package dev.vmpools.api.permission;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * One checked entry of a pool's {@code spec.permissions}: permissions for a user or for a role.
 *
 * @param user the user name it grants to, or null for a role grant
 * @param role the role (group) it grants to, or null for a user grant
 * @param may the permissions granted, possibly none
 */
public record Grant(String user, String role, Set<Permission> may) {

    public Grant {
        if ((user == null) == (role == null)) {
            throw new IllegalArgumentException(user == null
                    ? "a grant must name a user or a role, it names neither"
                    : "a grant must name a user or a role, not both (user " + user + ", role " + role + ")");
        }
        if (user != null && user.isEmpty()) {
            throw new IllegalArgumentException("user must not be empty");
        }
        if (role != null && role.isEmpty()) {
            throw new IllegalArgumentException("role must not be empty");
        }
        may = PermissionSets.copy(Objects.requireNonNull(may, "may"));
    }

    public static Grant toUser(String user, Set<Permission> may) {
        return new Grant(user, null, may);
    }

    public static Grant toRole(String role, Set<Permission> may) {
        return new Grant(null, role, may);
    }

    /** Whether this grant applies to the user (exact name) or to one of their roles (exact names). */
    public boolean matches(String userName, Collection<String> roles) {
        return user != null ? user.equals(userName) : roles.contains(role);
    }

    /** Whom it grants to, in the form of the granted-by annotation: {@code user:alice} or {@code role:user}. */
    public GrantedBy.Source subject() {
        return user != null ? new GrantedBy.UserGrant(user) : new GrantedBy.RoleGrant(role);
    }
}
