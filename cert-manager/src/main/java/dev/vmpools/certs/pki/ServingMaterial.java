package dev.vmpools.certs.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;

/**
 * What a webhook serves TLS with: the serving key, the chain (the serving certificate first, then any
 * intermediates) and the CA certificates clients are expected to trust (the Secret's {@code ca.crt}).
 * Built from anything, including a tampered Secret: the checks below say what is wrong with it.
 */
public record ServingMaterial(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> caCertificates) {

    public ServingMaterial {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(Objects.requireNonNull(chain, "chain"));
        caCertificates = List.copyOf(Objects.requireNonNull(caCertificates, "caCertificates"));
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain: at least the serving certificate is required");
        }
    }

    /**
     * Decodes the three PEM fields of a {@code kubernetes.io/tls} Secret; a problem names the data key. A
     * missing or empty {@code ca.crt} is allowed (no CA certificates).
     */
    public static PemOutcome<ServingMaterial> decode(String tlsKey, String tlsCrt, String caCrt) {
        var key = Pem.decodePrivateKey(tlsKey).from("tls.key");
        var chain = Pem.decodeCertificates(tlsCrt).from("tls.crt");
        PemOutcome<List<X509Certificate>> cas = caCrt == null || caCrt.isBlank()
                ? PemOutcome.decoded(List.of())
                : Pem.decodeCertificates(caCrt).from("ca.crt");
        return key.then(k -> chain.then(c -> cas.then(a -> PemOutcome.decoded(new ServingMaterial(k, c, a)))));
    }

    /** The serving certificate. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    public ServingMaterial withCaCertificates(List<X509Certificate> cas) {
        return new ServingMaterial(key, chain, cas);
    }

    /** Whether the key is the private half of the serving certificate's public key. */
    public boolean keyMatchesCertificate() {
        return Keys.matches(key, leaf().getPublicKey());
    }

    /** The names of {@code required} the serving certificate does not carry; empty when it covers them all. */
    public SortedSet<String> missingNames(SubjectAltNames required) {
        return required.missingFrom(leaf());
    }

    /** Whether the chain verifies against the material's own CA certificates at {@code now}. */
    public ChainVerification verify(Instant now) {
        return verifyAgainst(caCertificates, now);
    }

    /**
     * Whether the chain verifies against any one of {@code cas} at {@code now}, as a TLS client trusting
     * exactly that bundle would check it (PKIX: signatures, names, validity of every certificate including
     * the CA, CA constraints; no revocation).
     */
    public ChainVerification verifyAgainst(List<X509Certificate> cas, Instant now) {
        if (cas.isEmpty()) {
            return new ChainVerification.Unverified("no CA certificate to verify against");
        }
        var anchors = new HashSet<TrustAnchor>();
        cas.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        try {
            var path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
            var parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            var result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(path, parameters);
            var anchor = result.getTrustAnchor().getTrustedCert();
            // The JDK does not check a trust anchor's validity; Go's verifier, which the API server uses, does.
            if (now.isBefore(anchor.getNotBefore().toInstant()) || now.isAfter(anchor.getNotAfter().toInstant())) {
                return new ChainVerification.Unverified("serving certificate " + describe(leaf()) + " verifies against CA "
                        + describe(anchor) + ", which is not valid at " + now + " (valid " + anchor.getNotBefore().toInstant()
                        + " to " + anchor.getNotAfter().toInstant() + ")");
            }
            return new ChainVerification.Verified(anchor);
        } catch (CertPathValidatorException e) {
            return new ChainVerification.Unverified("serving certificate " + describe(leaf())
                     + " does not verify against " + describeCas(cas) + ": " + e.getMessage());
        } catch (CertificateException e) {
            return new ChainVerification.Unverified("chain cannot be read as a certificate path: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK provides PKIX validation", e);
        }
    }

    /** Subject and serial (hex), for messages. */
    public static String describe(X509Certificate certificate) {
        return "\"" + certificate.getSubjectX500Principal().getName() + "\" (serial "
                + certificate.getSerialNumber().toString(16) + ")";
    }

    /** "CA ..." for one, "n CAs [...]" for several, for messages. */
    public static String describeCas(List<X509Certificate> certificates) {
        return certificates.size() == 1
                ? "CA " + describe(certificates.getFirst())
                : certificates.size() + " CAs " + certificates.stream().map(ServingMaterial::describe).toList();
    }
}
