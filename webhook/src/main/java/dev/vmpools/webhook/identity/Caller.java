package dev.vmpools.webhook.identity;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.api.identity.Requester;

/**
 * Who sent an admission request, in the terms the rules use.
 *
 * @param username the Kubernetes user name exactly as authenticated
 * @param requester the requester as a pool user (prefix stripped, roles), or why they are none
 * @param admin member of a configured admin group
 * @param trusted member of a configured trusted group (vmpools' and VM-Operator's service accounts)
 * @param delegate a configured delegate for the namespace of the request
 */
public record Caller(String username, Requester requester, boolean admin, boolean trusted, boolean delegate) {

    public Caller {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(requester, "requester");
    }

    /** The pool user name (prefix stripped), when the caller is a pool user. */
    public Optional<String> poolUserName() {
        return requester instanceof Requester.PoolUser user ? Optional.of(user.name()) : Optional.empty();
    }

    /** The caller's roles (groups, prefix stripped); empty for callers who are no pool users. */
    public List<String> roles() {
        return requester instanceof Requester.PoolUser user ? List.copyOf(user.roles()) : List.of();
    }

    /** Whether the caller is the pool user {@code name}. */
    public boolean is(String name) {
        return name != null && poolUserName().filter(name::equals).isPresent();
    }

    /** Admins and trusted components are not limited by the end-user rules. */
    public boolean privileged() {
        return admin || trusted;
    }
}
