package dev.vmpools.webhook.tls;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** EC P-256 certificates made on the spot, with random serials, for TLS tests. */
public final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A key and its certificate chain (leaf first). */
    public record Issued(KeyPair keyPair, List<X509Certificate> chain) {

        public X509Certificate leaf() {
            return chain.getFirst();
        }

        public BigInteger serial() {
            return leaf().getSerialNumber();
        }

        public TlsMaterial material() {
            return new TlsMaterial(keyPair.getPrivate(), chain);
        }

        /** PKCS#8 {@code PRIVATE KEY}, as Kubernetes' own tooling and our certs module write it. */
        public byte[] keyPem() {
            return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
        }

        /** SEC 1 {@code EC PRIVATE KEY} with curve and public key, as {@code openssl ecparam -genkey} writes it. */
        public byte[] sec1KeyPem() {
            try {
                ECPrivateKey key = (ECPrivateKey) keyPair.getPrivate();
                org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(),
                        SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded()).getPublicKeyData(),
                        new X962Parameters(SECObjectIdentifiers.secp256r1));
                return pem("EC PRIVATE KEY", sec1.getEncoded());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** SEC 1 without the curve, as BouncyCastle's PEM writer turns a JDK key into. */
        public byte[] sec1KeyPemWithoutCurve() {
            return write(keyPair);
        }

        public byte[] chainPem() {
            StringBuilder pem = new StringBuilder();
            for (X509Certificate certificate : chain) {
                try {
                    pem.append(new String(pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return pem.toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A self-signed serving certificate for 127.0.0.1 and localhost, valid from an hour ago for a day. */
    public static Issued selfSigned(String commonName) {
        Instant now = Instant.now();
        return selfSigned(commonName, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    }

    public static Issued selfSigned(String commonName, Instant notBefore, Instant notAfter) {
        KeyPair keyPair = keyPair();
        X509Certificate certificate = sign(commonName, keyPair, commonName, keyPair.getPrivate(), notBefore, notAfter, false);
        return new Issued(keyPair, List.of(certificate));
    }

    /** A serving certificate issued by a fresh CA: chain of leaf and CA. */
    public static Issued issuedByCa(String commonName) {
        Instant now = Instant.now();
        KeyPair caKeys = keyPair();
        X509Certificate ca = sign("vmpools test CA", caKeys, "vmpools test CA", caKeys.getPrivate(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(2)), true);
        KeyPair leafKeys = keyPair();
        X509Certificate leaf = sign(commonName, leafKeys, "vmpools test CA", caKeys.getPrivate(),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), false);
        return new Issued(leafKeys, List.of(leaf, ca));
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey,
                                        Instant notBefore, Instant notAfter, boolean ca) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    new X500Name("CN=" + issuer), new BigInteger(64, RANDOM).add(BigInteger.ONE),
                    Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + subject), subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (!ca) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                }));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
