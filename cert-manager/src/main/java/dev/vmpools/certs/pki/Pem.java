package dev.vmpools.certs.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM text of certificates and private keys, as Kubernetes Secrets and {@code caBundle} fields carry it.
 *
 * <p>Encoding writes certificates as {@code CERTIFICATE} blocks and keys as PKCS#8 {@code PRIVATE KEY}
 * blocks. Decoding also reads SEC 1 {@code EC PRIVATE KEY} blocks (what OpenSSL and cert-manager write by
 * default) and never throws for bad input: text that is not what was expected becomes
 * {@link PemOutcome.Invalid} naming the problem.
 */
public final class Pem {

    static final String CERTIFICATE = "CERTIFICATE";
    static final String PRIVATE_KEY = "PRIVATE KEY";
    static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";

    private Pem() {
    }

    public static String encodeCertificate(X509Certificate certificate) {
        return encodeCertificates(List.of(certificate));
    }

    /** The certificates as consecutive {@code CERTIFICATE} blocks, in the given order. */
    public static String encodeCertificates(List<X509Certificate> certificates) {
        var blocks = new ArrayList<PemObject>();
        for (var certificate : certificates) {
            try {
                blocks.add(new PemObject(CERTIFICATE, certificate.getEncoded()));
            } catch (CertificateEncodingException e) {
                // A certificate we hold was parsed or built from valid DER: failing to encode it is a bug.
                throw new IllegalStateException("cannot encode certificate " + certificate.getSubjectX500Principal(), e);
            }
        }
        return write(blocks);
    }

    /** The key as one PKCS#8 {@code PRIVATE KEY} block. */
    public static String encodePrivateKey(PrivateKey key) {
        if (!"PKCS#8".equals(key.getFormat())) {
            throw new IllegalArgumentException("private key is not PKCS#8-encodable: format " + key.getFormat());
        }
        return write(List.of(new PemObject(PRIVATE_KEY, key.getEncoded())));
    }

    /** At least one certificate, in the order of the text; any other kind of block is a problem. */
    public static PemOutcome<List<X509Certificate>> decodeCertificates(String pem) {
        return blocks(pem).then(blocks -> {
            if (blocks.isEmpty()) {
                return PemOutcome.invalid("no PEM block found (expected at least one CERTIFICATE)");
            }
            var factory = certificateFactory();
            var certificates = new ArrayList<X509Certificate>();
            for (int i = 0; i < blocks.size(); i++) {
                var block = blocks.get(i);
                if (!CERTIFICATE.equals(block.getType())) {
                    return PemOutcome.invalid("block " + (i + 1) + " is " + block.getType() + ", expected CERTIFICATE");
                }
                try {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.getContent())));
                } catch (CertificateException | RuntimeException e) {
                    return PemOutcome.invalid("block " + (i + 1) + " is not a valid X.509 certificate: " + describe(e));
                }
            }
            return PemOutcome.decoded(List.copyOf(certificates));
        });
    }

    /** Exactly one private key, PKCS#8 or SEC 1 EC. */
    public static PemOutcome<PrivateKey> decodePrivateKey(String pem) {
        return blocks(pem).then(blocks -> {
            if (blocks.size() != 1) {
                return PemOutcome.invalid(blocks.isEmpty()
                        ? "no PEM block found (expected one PRIVATE KEY)"
                        : "found " + blocks.size() + " PEM blocks, expected exactly one PRIVATE KEY");
            }
            var block = blocks.getFirst();
            try {
                var info = switch (block.getType()) {
                    case PRIVATE_KEY -> PrivateKeyInfo.getInstance(block.getContent());
                    case EC_PRIVATE_KEY -> {
                        var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(block.getContent());
                        if (sec1.getParametersObject() == null) {
                            yield null;
                        }
                        yield new PrivateKeyInfo(
                                new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()), sec1);
                    }
                    default -> null;
                };
                if (info == null) {
                    return PemOutcome.invalid(EC_PRIVATE_KEY.equals(block.getType())
                            ? "EC PRIVATE KEY names no curve"
                            : "block is " + block.getType() + ", expected PRIVATE KEY or EC PRIVATE KEY");
                }
                return PemOutcome.decoded(new JcaPEMKeyConverter().getPrivateKey(info));
            } catch (IOException | RuntimeException e) {
                return PemOutcome.invalid("block is not a valid " + block.getType() + ": " + describe(e));
            }
        });
    }

    private static PemOutcome<List<PemObject>> blocks(String pem) {
        if (pem == null || pem.isBlank()) {
            return PemOutcome.invalid("empty");
        }
        var blocks = new ArrayList<PemObject>();
        try (var reader = new PemReader(new StringReader(pem))) {
            for (var block = reader.readPemObject(); block != null; block = reader.readPemObject()) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports a missing END line as IOException and bad Base64 as an unchecked DecoderException.
            return PemOutcome.invalid("not valid PEM: " + describe(e));
        }
        return PemOutcome.decoded(blocks);
    }

    private static String write(List<PemObject> blocks) {
        var text = new StringWriter();
        try (var writer = new PemWriter(text)) {
            for (var block : blocks) {
                writer.writeObject(block);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
        }
        return text.toString();
    }

    private static CertificateFactory certificateFactory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("every JDK provides an X.509 CertificateFactory", e);
        }
    }

    private static String describe(Exception e) {
        var message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
