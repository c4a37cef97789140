package dev.vmpools.certs.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A CA key and its self-signed certificate; issues serving certificates for the webhook.
 *
 * <p>Keys are ECDSA P-256, signatures SHA256withECDSA, serials random positive 128-bit numbers. The CA
 * certificate is {@code CA=true, pathLen=0} with keyCertSign; a serving certificate is {@code CA=false}
 * with digitalSignature, extended key usage serverAuth, the requested subjectAltNames, and never outlives
 * its CA. Everything runs on the JDK's providers: BouncyCastle only builds the certificates.
 */
public record CertificateAuthority(PrivateKey key, X509Certificate certificate) {

    /** The prefix of the CA's common name; the issuance second follows, so generations are told apart. */
    public static final String NAME_PREFIX = "vmpools-webhook-ca@";

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    public CertificateAuthority {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
    }

    /** A new CA, valid per {@code validity} from {@code now}. */
    public static CertificateAuthority create(Validity validity, Instant now, SecureRandom random) {
        var keys = Keys.generateP256(random);
        var subject = new X500Principal("CN=" + NAME_PREFIX + now.getEpochSecond());
        try {
            var extensions = new JcaX509ExtensionUtils();
            var builder = new JcaX509v3CertificateBuilder(subject, serial(random),
                    Date.from(validity.notBefore(now)), Date.from(validity.notAfter(now)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new CertificateAuthority(keys.getPrivate(), sign(builder, keys.getPrivate()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build a CA certificate", e);
        }
    }

    /**
     * A serving certificate for {@code names}, valid per {@code validity} from {@code now} but not beyond
     * this CA's notAfter, with a fresh key. The material's CA certificates are this CA's alone.
     */
    public ServingMaterial issueServingCertificate(SubjectAltNames names, Validity validity, Instant now,
            SecureRandom random) {
        var keys = Keys.generateP256(random);
        var notAfter = validity.notAfter(now);
        var caNotAfter = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        var subject = new X500Principal("CN=" + commonName(names));
        try {
            var extensions = new JcaX509ExtensionUtils();
            var builder = new JcaX509v3CertificateBuilder(certificate.getSubjectX500Principal(), serial(random),
                    Date.from(validity.notBefore(now)), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, generalNames(names))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            // The key identifier alone: issuer name and serial would tie the leaf to one CA certificate.
                            extensions.createAuthorityKeyIdentifier(certificate.getPublicKey()));
            var leaf = sign(builder, key);
            return new ServingMaterial(keys.getPrivate(), List.of(leaf), List.of(certificate));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build a serving certificate for " + names.all(), e);
        }
    }

    public PublicKey publicKey() {
        return certificate.getPublicKey();
    }

    /** Whether the key is the private half of the certificate's public key. */
    public boolean keyMatches() {
        return Keys.matches(key, certificate.getPublicKey());
    }

    /** Whether the certificate says it is a CA (basicConstraints CA=true). */
    public boolean isCa() {
        return certificate.getBasicConstraints() >= 0;
    }

    /** Whether {@code other} carries this CA's signature. */
    public boolean signed(X509Certificate other) {
        return signedBy(other, certificate);
    }

    /** Whether {@code certificate} carries the signature of {@code issuer}'s key and names it as issuer. */
    public static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** A random positive serial of 128 bits (RFC 5280 allows up to 20 octets; CA/B asks for 64+ random bits). */
    static BigInteger serial(SecureRandom random) {
        return new BigInteger(127, random).setBit(127);
    }

    private static String commonName(SubjectAltNames names) {
        // The Service's .svc name is the one the API server dials; IP-only certificates use their first address.
        return names.dnsNames().stream()
                .filter(name -> name.endsWith(".svc"))
                .findFirst()
                .or(() -> names.dnsNames().stream().findFirst())
                .orElseGet(() -> names.ipAddresses().first());
    }

    private static GeneralNames generalNames(SubjectAltNames names) {
        var entries = new ArrayList<GeneralName>();
        names.dnsNames().forEach(name -> entries.add(new GeneralName(GeneralName.dNSName, name)));
        names.ipAddresses().forEach(address -> entries.add(new GeneralName(GeneralName.iPAddress, address)));
        return new GeneralNames(entries.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws CertificateException {
        try {
            var signer = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign with " + SIGNATURE_ALGORITHM + " (the key must be EC)", e);
        }
    }
}
