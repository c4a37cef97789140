package dev.vmpools.certs.rotation;

import java.util.List;
import java.util.Objects;

import dev.vmpools.certs.renewal.Material;

/**
 * Everything the planner looks at, read in one pass: both Secrets, every {@code caBundle} of both webhook
 * configurations, and the Leases of the webhook replicas.
 *
 * <p>A configuration that does not exist is a read-back without CAs: the planner then keeps asking to
 * append the CA and never moves on to a serving certificate from a CA it cannot see clients trust.
 */
public record Observation(Material material, List<BundleReadBack> bundles, List<ReplicaReport> replicas) {

    public Observation {
        Objects.requireNonNull(material, "material");
        bundles = List.copyOf(Objects.requireNonNull(bundles, "bundles"));
        replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
    }
}
