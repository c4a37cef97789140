package dev.vmpools.api.permission;

import dev.vmpools.api.PoolGrantSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The grants of one pool and what they give a user. As in VM-Operator: the permissions of a user are
 * the union of {@code may} over every grant whose {@code user} equals the user name or whose
 * {@code role} is one of the user's roles, compared exactly; there are no patterns and no denials.
 *
 * @param grants the pool's grants, in order
 */
public record PoolPermissions(List<Grant> grants) {

    /** The CRD's default for an absent {@code may}. */
    public static final List<String> DEFAULT_MAY = List.of(Permission.ACCESS_CONSOLE.wireName());

    public PoolPermissions {
        grants = List.copyOf(Objects.requireNonNull(grants, "grants"));
    }

    /**
     * Checks a pool's {@code spec.permissions} entry by entry. Entries that name neither or both of
     * user and role, or an empty name, are left out and reported; unknown permission names are
     * reported and the known ones kept. An absent {@code may} is the CRD default {@code [accessConsole]}.
     */
    public static GrantReading read(List<PoolGrantSpec> specs) {
        List<Grant> grants = new ArrayList<>();
        List<GrantProblem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<GrantedBy.Source, Integer> firstIndex = new LinkedHashMap<>();
        List<PoolGrantSpec> entries = specs == null ? List.of() : specs;
        for (int i = 0; i < entries.size(); i++) {
            String field = "spec.permissions[" + i + "]";
            PoolGrantSpec spec = entries.get(i);
            if (spec == null) {
                problems.add(new GrantProblem(field, GrantProblem.SUBJECT_MISSING,
                        field + " is empty: give a user or a role and what they may do"));
                continue;
            }
            ParsedPermissions may = Permission.parse(spec.may() == null ? DEFAULT_MAY : spec.may());
            for (String unknown : may.unknown()) {
                problems.add(new GrantProblem(field + ".may", GrantProblem.UNKNOWN_PERMISSION,
                        field + ".may names \"" + unknown + "\", which is no permission: use start, stop, reset,"
                        + " accessConsole or \"*\" (all)"));
            }
            if (spec.user() != null && spec.role() != null) {
                problems.add(new GrantProblem(field, GrantProblem.SUBJECT_AMBIGUOUS, field + " names user "
                        + spec.user() + " and role " + spec.role() + ": a grant names exactly one; split it in two"));
            } else if (spec.user() == null && spec.role() == null) {
                problems.add(new GrantProblem(field, GrantProblem.SUBJECT_MISSING,
                        field + " names neither a user nor a role: give exactly one"));
            } else if ((spec.user() != null ? spec.user() : spec.role()).isEmpty()) {
                String which = spec.user() != null ? "user" : "role";
                problems.add(new GrantProblem(field + "." + which, GrantProblem.NAME_EMPTY,
                        field + "." + which + " is empty: give the " + which + " name"));
            } else {
                Grant grant = new Grant(spec.user(), spec.role(), may.permissions());
                Integer first = firstIndex.putIfAbsent(grant.subject(), i);
                if (first != null) {
                    warnings.add(field + ": " + grant.subject().kind() + " " + grant.subject().name()
                            + " is also granted in [" + first + "]; permissions are united");
                }
                if (may.permissions().isEmpty() && may.unknown().isEmpty()) {
                    warnings.add(field + ": " + grant.subject().kind() + " " + grant.subject().name()
                            + " may do nothing (may is empty)");
                }
                grants.add(grant);
            }
        }
        return new GrantReading(new PoolPermissions(grants), problems, warnings);
    }

    /** What {@code user} (null for none) with {@code roles} may do in this pool, and which grants say so. */
    public UserAccess accessOf(String user, Collection<String> roles) {
        Objects.requireNonNull(roles, "roles");
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        List<Grant> matched = new ArrayList<>();
        for (Grant grant : grants) {
            if (grant.matches(user, roles) && !grant.may().isEmpty()) {
                permissions.addAll(grant.may());
                matched.add(grant);
            }
        }
        return new UserAccess(permissions, matched);
    }

    /** Subjects granted more than once (their permissions are united), each once, in order. */
    public List<GrantedBy.Source> duplicates() {
        Map<GrantedBy.Source, Integer> counts = new LinkedHashMap<>();
        grants.forEach(g -> counts.merge(g.subject(), 1, Integer::sum));
        return counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /** Whether some grant for exactly this user or role still grants anything. */
    public boolean grantsSomethingTo(GrantedBy.Source subject) {
        return grants.stream().anyMatch(g -> g.subject().equals(subject) && !g.may().isEmpty());
    }

    /** Whether some grant names this user (not a role): admins requesting for others are warned otherwise. */
    public boolean namesUser(String user) {
        return grants.stream().anyMatch(g -> user.equals(g.user()));
    }
}
