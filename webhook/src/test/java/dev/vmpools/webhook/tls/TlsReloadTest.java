package dev.vmpools.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import dev.vmpools.webhook.WebhookServer;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.http.AdmissionHandlers;
import dev.vmpools.webhook.http.HttpsConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served certificate is swapped in place over real HTTPS. */
class TlsReloadTest {

    private static final AdmissionHandlers ALLOW_ALL = new AdmissionHandlers(
            r -> AdmissionOutcome.allowed(), r -> AdmissionOutcome.allowed(),
            r -> AdmissionOutcome.allowed(), r -> AdmissionOutcome.allowed());

    @TempDir
    Path dir;

    private WebhookServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void newConnectionsGetTheNewCertificateWhileOpenOnesKeepWorking() throws Exception {
        TestCertificates.Issued first = TestCertificates.selfSigned("first");
        TestCertificates.Issued second = TestCertificates.issuedByCa("second");
        server = start(WebhookServer.builder().tlsMaterial(first.material()));

        try (HttpsConnection open = HttpsConnection.open(server.port())) {
            assertThat(open.get("/health/live").status()).isEqualTo(200);
            assertThat(open.servedSerial()).isEqualTo(first.serial());

            assertThat(server.tlsReloader().offer(second.material())).isTrue();

            try (HttpsConnection fresh = HttpsConnection.open(server.port())) {
                assertThat(fresh.servedSerial()).isEqualTo(second.serial());
                assertThat(fresh.get("/health/live").status()).isEqualTo(200);
            }
            assertThat(open.get("/health/live").status()).isEqualTo(200);
            assertThat(open.get("/health/ready").status()).isEqualTo(200);
            assertThat(open.servedSerial()).isEqualTo(first.serial());
        }
        assertThat(server.tlsReloader().serving().serial()).isEqualTo(second.serial());
    }

    @Test
    void rotatedFilesAreServedToNewConnections() throws Exception {
        TestCertificates.Issued first = TestCertificates.selfSigned("first");
        Path key = dir.resolve("tls.key");
        Path chain = dir.resolve("tls.crt");
        Files.write(key, first.keyPem());
        Files.write(chain, first.chainPem());
        // Polled by the test, not by the hour-long timer.
        server = start(WebhookServer.builder().tlsFiles(key, chain).tlsPollInterval(Duration.ofHours(1)));

        TestCertificates.Issued second = TestCertificates.selfSigned("second");
        Files.write(key, second.keyPem());
        Files.write(chain, second.chainPem());
        assertThat(server.tlsFileWatcher().orElseThrow().poll()).isEqualTo(TlsFileWatcher.Poll.RELOADED);

        try (HttpsConnection fresh = HttpsConnection.open(server.port())) {
            assertThat(fresh.servedSerial()).isEqualTo(second.serial());
        }
    }

    @Test
    void notReadyOnceTheServedCertificateExpired() throws Exception {
        TestCertificates.Issued issued = TestCertificates.selfSigned("short-lived");
        Instant notAfter = issued.leaf().getNotAfter().toInstant();
        AtomicReference<Instant> now = new AtomicReference<>(notAfter);
        server = start(WebhookServer.builder().tlsMaterial(issued.material()).clock(now::get));

        try (HttpsConnection probe = HttpsConnection.open(server.port())) {
            assertThat(probe.get("/health/ready").status()).isEqualTo(200);
            now.set(notAfter.plusSeconds(1));
            assertThat(probe.get("/health/ready").status()).isEqualTo(503);
            assertThat(probe.get("/health/ready").text()).contains("\"failing\":[\"tls\"]");
        }
    }

    private static WebhookServer start(WebhookServer.Builder builder) throws Exception {
        return builder.host("127.0.0.1").port(0).handlers(ALLOW_ALL).build().start();
    }
}
