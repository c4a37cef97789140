package dev.vmpools.api.permission;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The annotation {@code vmpools.dev/granted-by}: why a VmAssignment was admitted. Either the grants
 * that matched at admission ({@code user:alice,role:user}), or an admin ({@code admin:<name>}), a
 * delegate ({@code delegate:<account>}) or a request that bypassed the webhook ({@code bypass}, also
 * what a missing annotation means). In names, {@code %} and {@code ,} are written {@code %25} and
 * {@code %2C}.
 *
 * @param sources at least one source, in order
 */
public record GrantedBy(List<Source> sources) {

    public GrantedBy {
        sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("sources must name at least one grant, admin, delegate or bypass");
        }
    }

    /** One reason for admission. */
    public sealed interface Source permits UserGrant, RoleGrant, Admin, Delegate, Bypass {
        /** The kind prefix in the annotation. */
        String kind();

        /** The name after the prefix; empty for {@link Bypass}. */
        String name();
    }

    /** A grant {@code user: <name>} of the pool. */
    public record UserGrant(String name) implements Source {
        public UserGrant {
            requireName(name, "user");
        }

        @Override
        public String kind() {
            return "user";
        }
    }

    /** A grant {@code role: <name>} of the pool. */
    public record RoleGrant(String name) implements Source {
        public RoleGrant {
            requireName(name, "role");
        }

        @Override
        public String kind() {
            return "role";
        }
    }

    /** A member of an admin group requested it (the Kubernetes user name). */
    public record Admin(String name) implements Source {
        public Admin {
            requireName(name, "admin");
        }

        @Override
        public String kind() {
            return "admin";
        }
    }

    /** A delegate service account requested it (the Kubernetes user name). */
    public record Delegate(String name) implements Source {
        public Delegate {
            requireName(name, "delegate");
        }

        @Override
        public String kind() {
            return "delegate";
        }
    }

    /** The request bypassed the webhook (e.g. {@code system:masters}). */
    public record Bypass() implements Source {
        @Override
        public String kind() {
            return "bypass";
        }

        @Override
        public String name() {
            return "";
        }
    }

    public static GrantedBy bypass() {
        return new GrantedBy(List.of(new Bypass()));
    }

    public static GrantedBy admin(String name) {
        return new GrantedBy(List.of(new Admin(name)));
    }

    public static GrantedBy delegate(String account) {
        return new GrantedBy(List.of(new Delegate(account)));
    }

    /** The subjects of the given grants, each once, in order; empty when there are none. */
    public static Optional<GrantedBy> grants(List<Grant> grants) {
        List<Source> subjects = grants.stream().map(Grant::subject).distinct().toList();
        return subjects.isEmpty() ? Optional.empty() : Optional.of(new GrantedBy(subjects));
    }

    /**
     * Reads the annotation. Empty for a value that is not in the format (an unknown kind, an empty
     * name, a bad escape); the caller decides (a missing annotation means {@link #bypass()}).
     */
    public static Optional<GrantedBy> parse(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        List<Source> sources = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            Optional<Source> source = parseSource(part);
            if (source.isEmpty()) {
                return Optional.empty();
            }
            sources.add(source.get());
        }
        return Optional.of(new GrantedBy(sources));
    }

    /** The annotation value. */
    public String format() {
        return sources.stream()
                .map(s -> s instanceof Bypass ? s.kind() : s.kind() + ":" + escape(s.name()))
                .collect(Collectors.joining(","));
    }

    /**
     * Whether the permission behind the assignment is gone from the pool: true when every source is
     * a grant and none of them still exists with a non-empty {@code may}. Admin, delegate and bypass
     * admissions are never revoked.
     */
    public boolean revokedIn(PoolPermissions pool) {
        for (Source source : sources) {
            boolean grant = source instanceof UserGrant || source instanceof RoleGrant;
            if (!grant || pool.grantsSomethingTo(source)) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Source> parseSource(String part) {
        if (part.equals("bypass")) {
            return Optional.of(new Bypass());
        }
        int colon = part.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Optional<String> name = unescape(part.substring(colon + 1));
        if (name.isEmpty() || name.get().isEmpty()) {
            return Optional.empty();
        }
        return switch (part.substring(0, colon)) {
            case "user" -> Optional.of(new UserGrant(name.get()));
            case "role" -> Optional.of(new RoleGrant(name.get()));
            case "admin" -> Optional.of(new Admin(name.get()));
            case "delegate" -> Optional.of(new Delegate(name.get()));
            default -> Optional.empty();
        };
    }

    private static String escape(String name) {
        return name.replace("%", "%25").replace(",", "%2C");
    }

    private static Optional<String> unescape(String text) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                name.append(c);
            } else if (text.startsWith("%25", i)) {
                name.append('%');
                i += 2;
            } else if (text.regionMatches(true, i, "%2C", 0, 3)) {
                name.append(',');
                i += 2;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(name.toString());
    }

    private static void requireName(String name, String kind) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(kind + " name must not be empty");
        }
    }
}
