package dev.vmpools.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import dev.vmpools.webhook.WebhookServer;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.http.AdmissionHandlers;
import dev.vmpools.webhook.http.HttpsConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A local HTTPS test of {@code recycleConnectionsEvery}: one response in n carries {@code Connection: close},
 * so that HTTP/1.1 clients (the API server's Go client among them) open a new connection for their next
 * request, and negotiate a swapped certificate, without any request being cut. (Helidon 4.2.0 leaves the
 * closing to the client: it would read another request on that connection.)
 */
class ConnectionRecyclingTest {

    private static final AdmissionHandlers ALLOW_ALL = new AdmissionHandlers(
            r -> AdmissionOutcome.allowed(), r -> AdmissionOutcome.allowed(),
            r -> AdmissionOutcome.allowed(), r -> AdmissionOutcome.allowed());

    private WebhookServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void everyThirdResponseAsksTheClientToCloseItsConnection() throws Exception {
        server = start(WebhookServer.builder().recycleConnectionsEvery(3));

        try (var first = HttpsConnection.open(server.port())) {
            var responses = List.of(first.get("/health/live"), first.get("/health/live"), first.get("/health/live"));

            assertThat(responses).extracting(HttpsConnection.Response::status).containsOnly(200);
            assertThat(responses).extracting(response -> response.header("connection")).containsExactly("keep-alive", "keep-alive", "close");
        }
        try (var second = HttpsConnection.open(server.port())) {
            assertThat(List.of(second.get("/health/live"), second.get("/health/live"), second.get("/health/live")))
                    .extracting(response -> response.header("connection")).containsExactly("keep-alive", "keep-alive", "close");
        }
    }

    @Test
    void byDefaultConnectionsStayOpen() throws Exception {
        server = start(WebhookServer.builder());

        try (var connection = HttpsConnection.open(server.port())) {
            var closing = new ArrayList<String>();
            for (int i = 0; i < 20; i++) {
                var response = connection.get("/health/live");
                assertThat(response.status()).isEqualTo(200);
                if ("close".equals(response.header("connection"))) {
                    closing.add("response " + i);
                }
            }
            assertThat(closing).isEmpty();
        }
    }

    private static WebhookServer start(WebhookServer.Builder builder) throws Exception {
        return builder.host("127.0.0.1").port(0).handlers(ALLOW_ALL)
                .tlsMaterial(TestCertificates.selfSigned("recycling").material()).build().start();
    }
}
