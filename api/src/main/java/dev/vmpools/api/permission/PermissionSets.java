package dev.vmpools.api.permission;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** Immutable copies of permission sets, also of empty ones. */
final class PermissionSets {
    private PermissionSets() {
    }

    static Set<Permission> copy(Set<Permission> permissions) {
        EnumSet<Permission> copy = EnumSet.noneOf(Permission.class);
        copy.addAll(permissions);
        return Collections.unmodifiableSet(copy);
    }
}
