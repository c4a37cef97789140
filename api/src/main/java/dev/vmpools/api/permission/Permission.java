package dev.vmpools.api.permission;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** A pool permission, with the name used in {@code may}. */
public enum Permission {
    START("start"),
    STOP("stop"),
    RESET("reset"),
    ACCESS_CONSOLE("accessConsole");

    /** In {@code may}: every pool permission. */
    public static final String ALL = "*";

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in {@code may}. */
    public String wireName() {
        return wireName;
    }

    /** The permission with this exact name; {@code "*"} is not one, see {@link #parse}. */
    public static Optional<Permission> fromWireName(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName.equals(name)).findFirst();
    }

    /**
     * Reads a {@code may} list: {@code "*"} stands for every permission; names that are not
     * permissions (compared exactly) are reported, not thrown. Null reads as an empty list.
     */
    public static ParsedPermissions parse(Collection<String> names) {
        EnumSet<Permission> permissions = EnumSet.noneOf(Permission.class);
        List<String> unknown = new ArrayList<>();
        if (names != null) {
            for (String name : names) {
                if (ALL.equals(name)) {
                    permissions.addAll(EnumSet.allOf(Permission.class));
                } else {
                    fromWireName(name).ifPresentOrElse(permissions::add, () -> unknown.add(String.valueOf(name)));
                }
            }
        }
        return new ParsedPermissions(permissions, unknown);
    }
}
