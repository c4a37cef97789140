package dev.vmpools.certs.pki;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

/** Certificates for tests, issued at fixed instants so tests can reason about exact boundaries. */
public final class TestMaterial {

    public static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    public static final SecureRandom RANDOM = new SecureRandom();
    public static final Validity CA_VALIDITY = new Validity(Duration.ofDays(3 * 365), Duration.ofMinutes(5));
    public static final Validity LEAF_VALIDITY = new Validity(Duration.ofDays(90), Duration.ofMinutes(5));
    public static final SubjectAltNames NAMES = SubjectAltNames.webhookService().plus("127.0.0.1");

    private TestMaterial() {
    }

    public static CertificateAuthority ca(Instant at) {
        return CertificateAuthority.create(CA_VALIDITY, at, RANDOM);
    }

    public static ServingMaterial leaf(CertificateAuthority ca, Instant at) {
        return ca.issueServingCertificate(NAMES, LEAF_VALIDITY, at, RANDOM);
    }
}
