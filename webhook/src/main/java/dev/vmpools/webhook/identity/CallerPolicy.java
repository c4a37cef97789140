package dev.vmpools.webhook.identity;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import dev.vmpools.api.identity.AdminGroups;
import dev.vmpools.api.identity.Delegates;
import dev.vmpools.api.identity.IdentityPolicy;

/**
 * Classifies requesters (DESIGN §3 Identity): the pool user behind a Kubernetes user name, admins
 * (configured groups), trusted components (configured groups: vmpools' and VM-Operator's service
 * accounts) and delegates (configured service accounts, per namespace).
 *
 * @param identity user and group prefixes and the user name pattern
 * @param admins the admin groups
 * @param trustedGroups groups whose members are never limited by the end-user rules on VMs
 * @param delegates service accounts that may request VMs for others
 */
public record CallerPolicy(IdentityPolicy identity, AdminGroups admins, Set<String> trustedGroups, Delegates delegates) {

    /** The service accounts of vmpools and of VM-Operator. */
    public static final List<String> DEFAULT_TRUSTED_GROUPS =
            List.of("system:serviceaccounts:vmpools-system", "system:serviceaccounts:vmop-system");

    public CallerPolicy {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(admins, "admins");
        trustedGroups = Set.copyOf(Objects.requireNonNull(trustedGroups, "trustedGroups"));
        Objects.requireNonNull(delegates, "delegates");
    }

    /** Defaults: no prefixes, Unix login names, {@code vmpools:admins}, the default trusted groups, no delegates. */
    public static CallerPolicy defaults() {
        return new CallerPolicy(IdentityPolicy.defaults(), AdminGroups.defaults(), Set.copyOf(DEFAULT_TRUSTED_GROUPS),
                Delegates.none());
    }

    /** The caller with this user name and these groups, sending a request in {@code namespace}. */
    public Caller caller(String username, Collection<String> groups, String namespace) {
        return new Caller(username,
                identity.requester(username, groups),
                admins.isAdmin(groups),
                groups.stream().anyMatch(trustedGroups::contains),
                delegates.mayRequestForOthers(username, namespace));
    }
}
