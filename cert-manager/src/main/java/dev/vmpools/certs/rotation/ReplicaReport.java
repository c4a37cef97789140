package dev.vmpools.certs.rotation;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a webhook replica reports in its Lease {@code vmpools-webhook-<instance>}: the serial of the
 * serving certificate it serves (annotation {@code vmpools.dev/serving-serial}) and when it last renewed
 * the Lease.
 */
public record ReplicaReport(String instance, Optional<BigInteger> servingSerial, Instant renewTime) {

    public ReplicaReport {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(servingSerial, "servingSerial");
        Objects.requireNonNull(renewTime, "renewTime");
    }

    public static ReplicaReport serving(String instance, BigInteger serial, Instant renewTime) {
        return new ReplicaReport(instance, Optional.of(serial), renewTime);
    }
}
