package dev.vmpools.api.identity;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * The Kubernetes groups whose members administer pools: they may request VMs for anyone.
 * Compared with the groups exactly as the API server reports them (no prefix stripped).
 *
 * @param groups the admin groups
 */
public record AdminGroups(Set<String> groups) {
    public static final String DEFAULT_GROUP = "vmpools:admins";

    public AdminGroups {
        groups = Set.copyOf(Objects.requireNonNull(groups, "groups"));
        if (groups.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("groups must not contain an empty group name");
        }
    }

    public static AdminGroups defaults() {
        return new AdminGroups(Set.of(DEFAULT_GROUP));
    }

    public boolean isAdmin(Collection<String> requesterGroups) {
        return requesterGroups != null && requesterGroups.stream().anyMatch(groups::contains);
    }
}
