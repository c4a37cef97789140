package dev.vmpools.certs.pki;

import static dev.vmpools.certs.pki.TestMaterial.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PemTest {

    private static final CertificateAuthority CA = TestMaterial.ca(T0);
    private static final ServingMaterial SERVING = TestMaterial.leaf(CA, T0);
    private static final String CERTIFICATE = Pem.encodeCertificate(CA.certificate());
    private static final String KEY = Pem.encodePrivateKey(CA.key());

    @Test
    void roundTripsCertificatesInOrder() {
        var other = TestMaterial.ca(T0.plusSeconds(1)).certificate();

        var pem = Pem.encodeCertificates(List.of(SERVING.leaf(), CA.certificate(), other));

        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        assertThat(Pem.decodeCertificates(pem))
                .isEqualTo(PemOutcome.decoded(List.of(SERVING.leaf(), CA.certificate(), other)));
    }

    @Test
    void encodesKeyAsPkcs8AndDecodesItBack() {
        assertThat(KEY).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");

        var decoded = Pem.decodePrivateKey(KEY);

        assertThat(decoded).isInstanceOfSatisfying(PemOutcome.Decoded.class, d -> {
            var key = (java.security.PrivateKey) d.value();
            assertThat(key.getAlgorithm()).isEqualTo("EC");
            assertThat(key.getEncoded()).isEqualTo(CA.key().getEncoded());
            assertThat(Keys.matches(key, CA.publicKey())).isTrue();
        });
    }

    @Test
    void decodesSec1EcPrivateKeyAsOpenSslWritesIt() throws Exception {
        var info = PrivateKeyInfo.getInstance(CA.key().getEncoded());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) CA.key()).getS(),
                info.getPrivateKeyAlgorithm().getParameters()).getEncoded();

        var decoded = Pem.decodePrivateKey(pem("EC PRIVATE KEY", sec1));

        assertThat(decoded).isInstanceOfSatisfying(PemOutcome.Decoded.class,
                d -> assertThat(Keys.matches((java.security.PrivateKey) d.value(), CA.publicKey())).isTrue());
    }

    @Test
    void toleratesTextAroundBlocks() {
        var pem = "# the webhook CA\n" + CERTIFICATE + "\ntrailing words\n";

        assertThat(Pem.decodeCertificates(pem)).isEqualTo(PemOutcome.decoded(List.of(CA.certificate())));
    }

    @Test
    void decodesRsaKeysSoAForeignKeyIsReportedAsMismatchNotAsGarbage() throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var rsa = generator.generateKeyPair().getPrivate();

        var decoded = Pem.decodePrivateKey(Pem.encodePrivateKey(rsa));

        assertThat(decoded).isInstanceOfSatisfying(PemOutcome.Decoded.class, d -> {
            var key = (java.security.PrivateKey) d.value();
            assertThat(key.getAlgorithm()).isEqualTo("RSA");
            assertThat(Keys.matches(key, CA.publicKey())).isFalse();
        });
    }

    static Stream<Arguments> garbageCertificates() {
        return Stream.of(
                Arguments.of("null", null, "empty"),
                Arguments.of("empty", "", "empty"),
                Arguments.of("blank", " \n\t", "empty"),
                Arguments.of("words", "hello world", "no PEM block found"),
                Arguments.of("key instead of certificate", KEY, "block 1 is PRIVATE KEY, expected CERTIFICATE"),
                Arguments.of("key after certificate", CERTIFICATE + KEY, "block 2 is PRIVATE KEY, expected CERTIFICATE"),
                Arguments.of("missing END line", CERTIFICATE.replace("-----END CERTIFICATE-----\n", ""), "not valid PEM"),
                Arguments.of("bad Base64", "-----BEGIN CERTIFICATE-----\n@@@@!!!!\n-----END CERTIFICATE-----\n", "not valid PEM"),
                Arguments.of("Base64 of text", pem("CERTIFICATE", "not DER".getBytes(StandardCharsets.US_ASCII)),
                        "block 1 is not a valid X.509 certificate"),
                Arguments.of("truncated DER", pem("CERTIFICATE", java.util.Arrays.copyOf(der(), 100)),
                        "block 1 is not a valid X.509 certificate"),
                Arguments.of("empty block", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
                        "block 1 is not a valid X.509 certificate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbageCertificates")
    void reportsGarbageCertificatesAsInvalidNamingTheProblem(String description, String text, String problem) {
        assertThat(Pem.decodeCertificates(text)).isInstanceOfSatisfying(PemOutcome.Invalid.class,
                invalid -> assertThat(invalid.problem()).startsWith(problem));
    }

    static Stream<Arguments> garbageKeys() {
        return Stream.of(
                Arguments.of("null", null, "empty"),
                Arguments.of("words", "not a key", "no PEM block found"),
                Arguments.of("certificate instead of key", CERTIFICATE,
                        "block is CERTIFICATE, expected PRIVATE KEY or EC PRIVATE KEY"),
                Arguments.of("two keys", KEY + KEY, "found 2 PEM blocks, expected exactly one PRIVATE KEY"),
                Arguments.of("encrypted key", pem("ENCRYPTED PRIVATE KEY", CA.key().getEncoded()),
                        "block is ENCRYPTED PRIVATE KEY, expected PRIVATE KEY or EC PRIVATE KEY"),
                Arguments.of("missing END line", KEY.replace("-----END PRIVATE KEY-----\n", ""), "not valid PEM"),
                Arguments.of("Base64 of text", pem("PRIVATE KEY", "not DER".getBytes(StandardCharsets.US_ASCII)),
                        "block is not a valid PRIVATE KEY"),
                Arguments.of("certificate DER in key block", pem("PRIVATE KEY", der()), "block is not a valid PRIVATE KEY"),
                Arguments.of("EC key without curve", pem("EC PRIVATE KEY", sec1WithoutCurve()),
                        "EC PRIVATE KEY names no curve"),
                Arguments.of("key DER in EC key block", pem("EC PRIVATE KEY", CA.key().getEncoded()),
                        "block is not a valid EC PRIVATE KEY"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("garbageKeys")
    void reportsGarbageKeysAsInvalidNamingTheProblem(String description, String text, String problem) {
        assertThat(Pem.decodePrivateKey(text)).isInstanceOfSatisfying(PemOutcome.Invalid.class,
                invalid -> assertThat(invalid.problem()).startsWith(problem));
    }

    @Test
    void neverThrowsOnMangledText() {
        var random = new Random(20300101L);
        var valid = CERTIFICATE + KEY;
        for (int i = 0; i < 2_000; i++) {
            var chars = valid.toCharArray();
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                chars[random.nextInt(chars.length)] = (char) (random.nextInt(95) + 32);
            }
            var mangled = new String(chars, 0, random.nextInt(chars.length + 1));
            assertThatCode(() -> {
                Pem.decodeCertificates(mangled);
                Pem.decodePrivateKey(mangled);
                ServingMaterial.decode(mangled, mangled, mangled);
                CaSet.decode(mangled, mangled, mangled);
            }).as("decoding %s", mangled).doesNotThrowAnyException();
        }
    }

    @Test
    void prefixesProblemWithWhereTheTextCameFrom() {
        assertThat(Pem.decodePrivateKey("garbage").from("tls.key"))
                .isEqualTo(PemOutcome.invalid("tls.key: no PEM block found (expected one PRIVATE KEY)"));
    }

    private static byte[] sec1WithoutCurve() {
        try {
            // The JDK's PKCS#8 encoding keeps the curve in the algorithm identifier, not in the SEC 1 structure.
            return PrivateKeyInfo.getInstance(CA.key().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] der() {
        try {
            return CA.certificate().getEncoded();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String pem(String type, byte[] content) {
        var text = new StringWriter();
        try (var writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, content));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return text.toString();
    }

    @Test
    void encodesWithStandardBase64LinesOf64Characters() {
        var body = CERTIFICATE.lines().filter(line -> !line.startsWith("-----")).toList();

        assertThat(body).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
        assertThat(Base64.getDecoder().decode(String.join("", body))).isEqualTo(der());
    }
}
