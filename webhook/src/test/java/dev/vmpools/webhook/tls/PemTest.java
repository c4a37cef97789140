package dev.vmpools.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PemTest {

    private final TestCertificates.Issued issued = TestCertificates.issuedByCa("webhook");

    @Test
    void readsPkcs8EcKey() throws Exception {
        assertThat(Pem.privateKey(ascii(issued.keyPem())).getEncoded())
                .isEqualTo(issued.keyPair().getPrivate().getEncoded());
    }

    @Test
    void readsSec1EcKeyAsOpensslWritesIt() throws Exception {
        String sec1 = ascii(issued.sec1KeyPem());
        assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");
        // A key read from SEC 1 signs for the certificate: TlsMaterial checks that.
        TlsMaterial material = TlsMaterial.fromPem(issued.sec1KeyPem(), issued.chainPem());
        assertThat(material.key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void asksForTheCurveWhenSec1KeyOmitsIt() {
        assertThatThrownBy(() -> Pem.privateKey(ascii(issued.sec1KeyPemWithoutCurve())))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("names no curve");
    }

    @Test
    void readsChainLeafFirst() throws Exception {
        assertThat(Pem.certificates(ascii(issued.chainPem()))).containsExactlyElementsOf(issued.chain());
    }

    @Test
    void ignoresTextAroundBlocks() throws Exception {
        String pem = "subject=CN=webhook\nissuer=CN=ca\n" + ascii(issued.chainPem()) + "\ntrailing words\n";
        assertThat(Pem.certificates(pem)).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not pem at all", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"})
    void rejectsChainsWithoutCertificates(String pem) {
        assertThatThrownBy(() -> Pem.certificates(pem)).isInstanceOf(TlsMaterialException.class);
    }

    @Test
    void rejectsFileWithoutKey() {
        assertThatThrownBy(() -> Pem.privateKey(ascii(issued.chainPem())))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("found 0");
    }

    @Test
    void namesTheConversionForUnsupportedKeyFormats() {
        String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pem.privateKey(pkcs1))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void rejectsTruncatedSec1Key() {
        String truncated = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pem.privateKey(truncated)).isInstanceOf(TlsMaterialException.class);
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
