package dev.vmpools.api.identity;

import java.util.Objects;
import java.util.Set;

/**
 * A service account (e.g. a GitOps controller's) allowed to request VMs for other users in some namespaces.
 *
 * @param username its Kubernetes user name, {@code system:serviceaccount:<namespace>:<name>}
 * @param namespaces where it may request for others; {@code "*"} for every namespace
 */
public record Delegate(String username, Set<String> namespaces) {
    public static final String EVERY_NAMESPACE = "*";

    public Delegate {
        Objects.requireNonNull(username, "username");
        String[] parts = username.split(":", -1);
        if (!username.startsWith(IdentityPolicy.SERVICE_ACCOUNT_PREFIX) || parts.length != 4
                || parts[2].isEmpty() || parts[3].isEmpty()) {
            throw new IllegalArgumentException("username must be a service account's user name,"
                    + " system:serviceaccount:<namespace>:<name>, got " + username);
        }
        namespaces = Set.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
        if (namespaces.isEmpty() || namespaces.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("namespaces of delegate " + username
                    + " must name at least one namespace (or \"*\") and no empty one");
        }
    }

    public static Delegate of(String namespace, String serviceAccount, Set<String> namespaces) {
        return new Delegate(IdentityPolicy.SERVICE_ACCOUNT_PREFIX + namespace + ":" + serviceAccount, namespaces);
    }

    /** Whether this delegate is the requester and may request for others in {@code namespace}. */
    public boolean covers(String requester, String namespace) {
        return username.equals(requester)
                && (namespaces.contains(EVERY_NAMESPACE) || namespaces.contains(namespace));
    }
}
