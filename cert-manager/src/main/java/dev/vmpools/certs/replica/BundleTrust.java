package dev.vmpools.certs.replica;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vmpools.certs.k8s.WebhookConfigurations;
import dev.vmpools.certs.k8s.WebhookConfigurations.Configuration;
import dev.vmpools.certs.k8s.WebhookConfigurations.Kind;
import dev.vmpools.certs.pki.ChainVerification;
import dev.vmpools.certs.pki.ServingMaterial;

/**
 * Whether the API server can verify what a replica serves: the served chain must verify against the
 * {@code caBundle} of every webhook of both configurations {@code vmpools}, at the given time. Pure.
 */
public final class BundleTrust {

    private BundleTrust() {
    }

    /** What keeps the API server from trusting {@code served}, if anything; empty when every caBundle verifies it. */
    public static Optional<String> problem(ServingMaterial served, List<Configuration> configurations, Instant now) {
        var problems = new ArrayList<String>();
        for (var kind : Kind.values()) {
            var configuration = configurations.stream().filter(c -> c.kind() == kind).findFirst();
            if (configuration.isEmpty()) {
                problems.add(kind + " " + WebhookConfigurations.NAME + " does not exist");
                continue;
            }
            for (var readBack : configuration.get().readBacks()) {
                if (readBack.cas().isEmpty()) {
                    problems.add(readBack.where() + " has no caBundle");
                } else if (served.verifyAgainst(readBack.cas(), now) instanceof ChainVerification.Unverified unverified) {
                    problems.add(readBack.where() + ": " + unverified.problem());
                }
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }
}
