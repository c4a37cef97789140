package dev.vmpools.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away CA and a serving certificate for 127.0.0.1 and localhost, for servers that exist
 * only during a test run: the test API server and HTTPS endpoints in the test JVM that it calls.
 * (The product's own certificates come from the cert-manager module.)
 */
public final class LocalCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKey;
    private final X509Certificate ca;

    private LocalCertificates(KeyPair caKey, X509Certificate ca) {
        this.caKey = caKey;
        this.ca = ca;
    }

    /** A new CA, valid for a day. */
    public static LocalCertificates newAuthority(String name) {
        KeyPair key = ecKey();
        X500Principal subject = new X500Principal("CN=" + name);
        return new LocalCertificates(key, sign(subject, key, subject, key.getPrivate(), true));
    }

    public X509Certificate ca() {
        return ca;
    }

    public String caPem() {
        return pem("CERTIFICATE", encoded(ca));
    }

    /** The CA as a webhook configuration's {@code caBundle} or a kubeconfig's certificate-authority-data. */
    public String caBase64() {
        return Base64.getEncoder().encodeToString(caPem().getBytes(StandardCharsets.US_ASCII));
    }

    /** A serving key and certificate for 127.0.0.1 and localhost, signed by this CA. */
    public Serving issueServing(String commonName) {
        KeyPair key = ecKey();
        X509Certificate cert = sign(new X500Principal("CN=" + commonName), key, ca.getSubjectX500Principal(),
                caKey.getPrivate(), false);
        return new Serving(key.getPrivate(), cert, ca);
    }

    /** A serving key and certificate with the CA that signed it. */
    public record Serving(PrivateKey key, X509Certificate certificate, X509Certificate ca) {
        public String keyPem() {
            return pem("PRIVATE KEY", key.getEncoded());
        }

        public String certificatePem() {
            return pem("CERTIFICATE", encoded(certificate));
        }

        /** Writes {@code name.crt} and {@code name.key} into {@code dir}. */
        public void write(Path dir, String name) {
            try {
                Files.writeString(dir.resolve(name + ".crt"), certificatePem());
                Files.writeString(dir.resolve(name + ".key"), keyPem());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A PEM block of DER bytes. */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] encoded(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JDK", e);
        }
    }

    private static X509Certificate sign(X500Principal subject, KeyPair subjectKey, X500Principal issuer,
            PrivateKey issuerKey, boolean isCa) {
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(1))), subject, subjectKey.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a local certificate for " + subject, e);
        }
    }
}
