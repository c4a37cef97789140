package dev.vmpools.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import dev.vmpools.webhook.WebhookServer;
import dev.vmpools.webhook.admission.Fixtures;
import dev.vmpools.webhook.tls.TestCertificates;
import io.helidon.webserver.http.HttpService;
import org.junit.jupiter.api.Test;

/** A service added to the server is served on the same listener as the admission endpoints, which keep working. */
class AddedServiceTest {

    @Test
    void servesAnAddedServiceBesideTheAdmissionEndpoints() throws Exception {
        HttpService hello = rules -> rules.get("/hello", (request, response) -> response.send("hello"));
        WebhookServer server = WebhookServer.builder()
                .host("127.0.0.1")
                .port(0)
                .tlsMaterial(TestCertificates.selfSigned("vmpools-webhook").material())
                .handlers(TestHandlers.handlers())
                .service(hello)
                .build()
                .start();
        try (HttpsConnection connection = HttpsConnection.open(server.port())) {
            HttpsConnection.Response added = connection.get("/hello");
            HttpsConnection.Response admission = connection.postJson("/validate/vmassignments",
                    Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));

            assertThat(added.status()).isEqualTo(200);
            assertThat(added.body()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(admission.status()).isEqualTo(200);
            assertThat(admission.text()).contains("\"allowed\":true");
        } finally {
            server.stop();
        }
    }
}
