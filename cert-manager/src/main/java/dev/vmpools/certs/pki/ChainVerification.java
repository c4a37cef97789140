package dev.vmpools.certs.pki;

import java.security.cert.X509Certificate;
import java.util.Objects;

/** Whether a certificate chain verifies against a set of CA certificates at a given time. */
public sealed interface ChainVerification {

    /** The chain verifies; {@code anchor} is the CA certificate it ends at. */
    record Verified(X509Certificate anchor) implements ChainVerification {
        public Verified {
            Objects.requireNonNull(anchor, "anchor");
        }
    }

    /** The chain does not verify; {@code problem} says why. */
    record Unverified(String problem) implements ChainVerification {
        public Unverified {
            Objects.requireNonNull(problem, "problem");
        }
    }

    default boolean verified() {
        return this instanceof Verified;
    }
}
