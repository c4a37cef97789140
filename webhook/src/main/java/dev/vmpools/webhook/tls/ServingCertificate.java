package dev.vmpools.webhook.tls;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/** What readiness, metrics and logs need to know of the certificate being served. */
public record ServingCertificate(BigInteger serial, String subject, Instant notBefore, Instant notAfter) {

    public ServingCertificate {
        Objects.requireNonNull(serial, "serial");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
    }

    public static ServingCertificate of(X509Certificate certificate) {
        return new ServingCertificate(certificate.getSerialNumber(),
                certificate.getSubjectX500Principal().getName(),
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
    }

    /** The serial as openssl prints it: upper-case hex. */
    public String serialHex() {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }

    /** True from notBefore up to and including notAfter, as X.509 defines validity. */
    public boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && !now.isAfter(notAfter);
    }

    @Override
    public String toString() {
        return "serial " + serialHex() + " (" + subject + ", valid until " + notAfter + ")";
    }
}
