package dev.vmpools.webhook.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.helidon.common.tls.Tls;

/**
 * A private key with its certificate chain (leaf first), checked to belong together: a rotation caught
 * half-written (new key, old certificate) is refused instead of served.
 */
public record TlsMaterial(PrivateKey key, List<X509Certificate> chain) {

    private static final byte[] PROBE = "vmpools key and certificate match".getBytes(StandardCharsets.US_ASCII);

    public TlsMaterial {
        Objects.requireNonNull(key, "key");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain must hold at least the serving certificate");
        }
    }

    /** Reads and checks PEM key and chain, such as the {@code tls.key} and {@code tls.crt} of a TLS Secret. */
    public static TlsMaterial fromPem(byte[] keyPem, byte[] chainPem) throws TlsMaterialException {
        PrivateKey key = Pem.privateKey(new String(keyPem, StandardCharsets.US_ASCII));
        List<X509Certificate> chain = Pem.certificates(new String(chainPem, StandardCharsets.US_ASCII));
        requireMatch(key, chain.getFirst());
        return new TlsMaterial(key, chain);
    }

    public static TlsMaterial fromFiles(Path key, Path chain) throws IOException, TlsMaterialException {
        return fromPem(Files.readAllBytes(key), Files.readAllBytes(chain));
    }

    public ServingCertificate certificate() {
        return ServingCertificate.of(chain.getFirst());
    }

    /**
     * Helidon server TLS from key and chain, trusting the chain itself: Helidon 4.2.0's {@code reloadTls}
     * fails for TLS built from an {@code SSLContext} or without any trust entry. No client certificates
     * are requested, so the trust entry decides nothing.
     */
    public Tls tls() {
        return Tls.builder()
                .privateKey(key)
                .privateKeyCertChain(chain)
                .trust(chain)
                .build();
    }

    /** True when both hold the same key and leaf certificate. */
    public boolean sameAs(TlsMaterial other) {
        try {
            return Arrays.equals(key.getEncoded(), other.key.getEncoded())
                    && Arrays.equals(chain.getFirst().getEncoded(), other.chain.getFirst().getEncoded());
        } catch (CertificateEncodingException e) {
            return false;
        }
    }

    private static void requireMatch(PrivateKey key, X509Certificate leaf) throws TlsMaterialException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new TlsMaterialException("private key algorithm " + key.getAlgorithm() + " is not supported");
        };
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(PROBE);
            if (!verifier.verify(signature)) {
                throw new TlsMaterialException("the private key does not belong to the certificate "
                        + ServingCertificate.of(leaf) + "; key and chain are from different issuances");
            }
        } catch (GeneralSecurityException e) {
            throw new TlsMaterialException("the private key does not belong to the certificate "
                    + ServingCertificate.of(leaf) + ": " + e.getMessage(), e);
        }
    }
}
