package dev.vmpools.certs.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** ECDSA P-256 key pairs, from the JDK's own provider (BouncyCastle is not registered as a provider). */
public final class Keys {

    private static final byte[] PROBE = "vmpools key match probe".getBytes(StandardCharsets.US_ASCII);

    private Keys() {
    }

    public static KeyPair generateP256(SecureRandom random) {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK provides EC P-256 key generation", e);
        }
    }

    /**
     * Whether {@code privateKey} is the private half of {@code publicKey}: a probe signed with one verifies
     * with the other. Keys of different or unsupported algorithms do not match.
     */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        var algorithm = switch (privateKey.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            var signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(PROBE);
            var signature = signer.sign();
            var verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // Keys on different curves or of different sizes are rejected by the provider: not a match.
            return false;
        }
    }
}
