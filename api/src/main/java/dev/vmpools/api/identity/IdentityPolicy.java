package dev.vmpools.api.identity;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maps Kubernetes user names and groups to pool users and roles. The user name, with exactly one
 * configured prefix stripped (e.g. {@code oidc:}), is the pool user; it must match the user name
 * pattern because the same name is VM-Operator's GUI user and the guest login.
 *
 * @param userPrefix stripped from user names; when set, a user name without it is no pool user ("" for none)
 * @param groupPrefix stripped from groups; when set, groups without it are no roles ("" for none)
 * @param userNamePattern what a pool user name must match, as a whole
 */
public record IdentityPolicy(String userPrefix, String groupPrefix, Pattern userNamePattern) {

    /** A Unix login name. */
    public static final String DEFAULT_USER_NAME_PATTERN = "^[a-z_][a-z0-9_-]{0,31}$";
    public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
    private static final String SYSTEM_PREFIX = "system:";

    public IdentityPolicy {
        userPrefix = userPrefix == null ? "" : userPrefix;
        groupPrefix = groupPrefix == null ? "" : groupPrefix;
        Objects.requireNonNull(userNamePattern, "userNamePattern");
    }

    /** No prefixes, Unix login names. */
    public static IdentityPolicy defaults() {
        return new IdentityPolicy("", "", Pattern.compile(DEFAULT_USER_NAME_PATTERN));
    }

    /** Who the requester is as a pool user, or why they are none. */
    public Requester requester(String username, Collection<String> groups) {
        if (username == null || username.isEmpty()) {
            return new Requester.NotAPoolUser(Requester.Reason.INVALID_USER_NAME,
                    "the request has no user name; only named users can hold VMs");
        }
        if (username.startsWith(SERVICE_ACCOUNT_PREFIX)) {
            return new Requester.NotAPoolUser(Requester.Reason.SERVICE_ACCOUNT, "service account " + username
                    + " cannot hold VMs; request for a user with spec.user if it is a configured delegate");
        }
        if (username.startsWith(SYSTEM_PREFIX)) {
            return new Requester.NotAPoolUser(Requester.Reason.SYSTEM_USER,
                    "system user " + username + " cannot hold VMs");
        }
        if (!username.startsWith(userPrefix)) {
            return new Requester.NotAPoolUser(Requester.Reason.USER_PREFIX_MISSING, "user " + username
                    + " is not a pool user: pool users' names start with \"" + userPrefix + "\"");
        }
        String name = username.substring(userPrefix.length());
        return checkUserName(name).<Requester>map(problem -> problem)
                .orElseGet(() -> new Requester.PoolUser(name, roles(groups)));
    }

    /** Whether a name (prefix already stripped, e.g. a {@code spec.user}) can be a pool user; empty when it can. */
    public Optional<Requester.NotAPoolUser> checkUserName(String name) {
        if (name != null && userNamePattern.matcher(name).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Requester.NotAPoolUser(Requester.Reason.INVALID_USER_NAME, "user name \""
                + name + "\" does not match the user name pattern " + userNamePattern.pattern()
                + ", which pool users' names must match (they are also the guest's login names)"));
    }

    /** The roles of a requester: their groups with the group prefix stripped; groups without it are left out. */
    public Set<String> roles(Collection<String> groups) {
        Set<String> roles = new LinkedHashSet<>();
        if (groups != null) {
            for (String group : groups) {
                if (group != null && group.startsWith(groupPrefix) && group.length() > groupPrefix.length()) {
                    roles.add(group.substring(groupPrefix.length()));
                }
            }
        }
        return roles;
    }
}
