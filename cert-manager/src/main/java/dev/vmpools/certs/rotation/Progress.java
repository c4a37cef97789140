package dev.vmpools.certs.rotation;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the planner remembers between observations: since when every {@code caBundle} has carried every
 * trusted CA, and since when every ready replica has served the current serving certificate. Each is
 * tied to what it saw, so a change (another CA, another serial) starts the clock again. Kept in memory
 * only: after a restart the planner waits the propagation delay once more, which is safe.
 */
public record Progress(Optional<BundleSeen> bundle, Optional<ReplicasSeen> replicas) {

    /** Every {@code caBundle} has carried all of {@code trusted} since {@code since}. */
    public record BundleSeen(List<X509Certificate> trusted, Instant since) {
        public BundleSeen {
            trusted = List.copyOf(trusted);
            Objects.requireNonNull(since, "since");
        }
    }

    /** Every ready replica has served {@code serial} since {@code since}. */
    public record ReplicasSeen(BigInteger serial, Instant since) {
        public ReplicasSeen {
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(since, "since");
        }
    }

    public Progress {
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(replicas, "replicas");
    }

    public static Progress none() {
        return new Progress(Optional.empty(), Optional.empty());
    }

    Progress withBundle(Optional<BundleSeen> seen) {
        return new Progress(seen, replicas);
    }

    Progress withReplicas(Optional<ReplicasSeen> seen) {
        return new Progress(bundle, seen);
    }
}
