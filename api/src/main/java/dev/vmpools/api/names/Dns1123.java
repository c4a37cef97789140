package dev.vmpools.api.names;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kubernetes' DNS-1123 subdomain rule, which names of most objects (VMs, pools, Leases) follow. */
public final class Dns1123 {
    public static final int MAX_SUBDOMAIN_LENGTH = 253;
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Dns1123() {
    }

    public static boolean isSubdomain(String name) {
        return subdomainProblem(name).isEmpty();
    }

    /** What is wrong with {@code name} as a DNS-1123 subdomain, in Kubernetes' words; empty when nothing is. */
    public static Optional<String> subdomainProblem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("must not be empty");
        }
        if (name.length() > MAX_SUBDOMAIN_LENGTH) {
            return Optional.of("must be no more than 253 characters");
        }
        if (!SUBDOMAIN.matcher(name).matches()) {
            return Optional.of("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
                    + " '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')");
        }
        return Optional.empty();
    }
}
