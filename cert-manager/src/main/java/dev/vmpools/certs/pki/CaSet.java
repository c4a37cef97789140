package dev.vmpools.certs.pki;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The content of the CA Secret: the {@code current} CA, which signs serving certificates, and the
 * certificates of {@code previous} CAs that clients must still trust while a CA rotation is under way
 * (their keys are no longer needed). {@link #trusted()} is what {@code caBundle} must carry.
 */
public record CaSet(CertificateAuthority current, List<X509Certificate> previous) {

    public CaSet {
        Objects.requireNonNull(current, "current");
        previous = List.copyOf(Objects.requireNonNull(previous, "previous"));
        if (previous.contains(current.certificate())) {
            throw new IllegalArgumentException("previous: must not contain the current CA certificate");
        }
    }

    public static CaSet of(CertificateAuthority current) {
        return new CaSet(current, List.of());
    }

    /**
     * Decodes the CA Secret: {@code tls.key} and {@code tls.crt} hold the current CA, {@code ca.crt} all
     * trusted CA certificates (it may be missing; the current CA is trusted anyway).
     */
    public static PemOutcome<CaSet> decode(String tlsKey, String tlsCrt, String caCrt) {
        var key = Pem.decodePrivateKey(tlsKey).from("tls.key");
        var certificate = Pem.decodeCertificates(tlsCrt).from("tls.crt").then(certificates -> certificates.size() == 1
                ? PemOutcome.decoded(certificates.getFirst())
                : PemOutcome.invalid("tls.crt: holds " + certificates.size() + " certificates, expected the CA's one"));
        PemOutcome<List<X509Certificate>> trusted = caCrt == null || caCrt.isBlank()
                ? PemOutcome.decoded(List.of())
                : Pem.decodeCertificates(caCrt).from("ca.crt");
        return key.then(k -> certificate.then(c -> trusted.then(t -> {
            var previous = new ArrayList<>(t);
            previous.remove(c);
            return PemOutcome.decoded(new CaSet(new CertificateAuthority(k, c), previous));
        })));
    }

    /** Every CA certificate clients must trust: the previous ones, then the current one. */
    public List<X509Certificate> trusted() {
        var all = new ArrayList<>(previous);
        all.add(current.certificate());
        return List.copyOf(all);
    }

    public boolean rotating() {
        return !previous.isEmpty();
    }

    /** Starts a CA rotation: {@code next} becomes current, and every CA trusted so far stays trusted. */
    public CaSet rotateTo(CertificateAuthority next) {
        return new CaSet(next, trusted());
    }

    /** Ends a CA rotation: only the current CA stays trusted. */
    public CaSet withoutPrevious() {
        return of(current);
    }

    /** A serving certificate from the current CA, whose material carries every trusted CA certificate. */
    public ServingMaterial issueServingCertificate(SubjectAltNames names, Validity validity, Instant now,
            SecureRandom random) {
        return current.issueServingCertificate(names, validity, now, random).withCaCertificates(trusted());
    }
}
