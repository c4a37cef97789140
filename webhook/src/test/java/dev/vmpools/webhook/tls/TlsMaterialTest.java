package dev.vmpools.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class TlsMaterialTest {

    @Test
    void refusesKeyOfAnotherCertificate() {
        TestCertificates.Issued first = TestCertificates.selfSigned("first");
        TestCertificates.Issued second = TestCertificates.selfSigned("second");
        assertThatThrownBy(() -> TlsMaterial.fromPem(second.keyPem(), first.chainPem()))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("does not belong to the certificate serial " + first.serial().toString(16).toUpperCase());
    }

    @Test
    void describesTheServedCertificate() throws Exception {
        Instant notBefore = Instant.parse("2026-11-01T00:00:00Z");
        Instant notAfter = Instant.parse("2026-12-01T00:00:00Z");
        TestCertificates.Issued issued = TestCertificates.selfSigned("webhook", notBefore, notAfter);
        ServingCertificate certificate = TlsMaterial.fromPem(issued.keyPem(), issued.chainPem()).certificate();
        assertThat(certificate.serial()).isEqualTo(issued.serial());
        assertThat(certificate.subject()).isEqualTo("CN=webhook");
        assertThat(certificate.notAfter()).isEqualTo(notAfter);
    }

    @Test
    void certificateIsValidFromNotBeforeThroughNotAfter() {
        Instant notBefore = Instant.parse("2026-11-01T00:00:00Z");
        Instant notAfter = Instant.parse("2026-12-01T00:00:00Z");
        ServingCertificate certificate = TestCertificates.selfSigned("webhook", notBefore, notAfter).material().certificate();
        assertThat(certificate.validAt(notBefore.minusNanos(1))).isFalse();
        assertThat(certificate.validAt(notBefore)).isTrue();
        assertThat(certificate.validAt(notAfter)).isTrue();
        assertThat(certificate.validAt(notAfter.plusNanos(1))).isFalse();
    }

    @Test
    void sameKeyAndLeafAreTheSameMaterial() throws Exception {
        TestCertificates.Issued issued = TestCertificates.selfSigned("webhook");
        TlsMaterial fromPem = TlsMaterial.fromPem(issued.keyPem(), issued.chainPem());
        assertThat(fromPem.sameAs(issued.material())).isTrue();
        assertThat(fromPem.sameAs(TestCertificates.selfSigned("webhook").material())).isFalse();
    }

    @Test
    void buildsHelidonTlsFromKeyAndChain() {
        assertThat(TestCertificates.issuedByCa("webhook").material().tls().enabled()).isTrue();
    }
}
