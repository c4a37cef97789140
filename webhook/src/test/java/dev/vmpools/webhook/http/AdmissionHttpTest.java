package dev.vmpools.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vmpools.webhook.WebhookServer;
import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.admission.Fixtures;
import dev.vmpools.webhook.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The webhook over real HTTPS on a local port, with stand-in handlers. */
class AdmissionHttpTest {

    private static final AdmissionReviews REVIEWS = new AdmissionReviews();
    private static final AtomicBoolean CACHES_SYNCED = new AtomicBoolean(true);
    private static WebhookServer server;

    private HttpsConnection connection;

    @BeforeAll
    static void startServer() throws Exception {
        server = WebhookServer.builder()
                .host("127.0.0.1")
                .port(0)
                .tlsMaterial(TestCertificates.selfSigned("vmpools-webhook").material())
                .handlers(TestHandlers.handlers())
                .readinessCheck(new ReadinessCheck("caches", CACHES_SYNCED::get))
                .build()
                .start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @BeforeEach
    void connect() throws Exception {
        CACHES_SYNCED.set(true);
        connection = HttpsConnection.open(server.port());
    }

    @AfterEach
    void disconnect() throws Exception {
        connection.close();
    }

    @Test
    void malformedJsonIs400WithAMessage() throws Exception {
        HttpsConnection.Response response = connection.postJson("/validate/vmassignments",
                "{\"apiVersion\":\"admission.k8s.io/v1\",".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("content-type")).startsWith("application/json");
        assertThat(json(response).path("message").stringValue()).startsWith("request body is not valid JSON");
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        HttpsConnection.Response response = connection.post("/validate/vmassignments", "text/plain",
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));
        assertThat(response.status()).isEqualTo(415);
        assertThat(json(response).path("message").stringValue()).contains("application/json", "text/plain");
    }

    @Test
    void missingContentTypeIs415() throws Exception {
        HttpsConnection.Response response = connection.post("/validate/vmassignments", null,
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));
        assertThat(response.status()).isEqualTo(415);
    }

    @Test
    void jsonWithCharsetIsAccepted() throws Exception {
        HttpsConnection.Response response = connection.post("/validate/vmassignments", "application/json; charset=utf-8",
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));
        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void announcedBodyOver3MiBIs413WithoutBeingRead() throws Exception {
        HttpsConnection.Response response = connection.announce("/validate/vmassignments", AdmissionService.MAX_BODY_BYTES + 1L);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.header("connection")).isEqualTo("close");
    }

    @Test
    void chunkedBodyOver3MiBIs413() throws Exception {
        byte[] body = new byte[AdmissionService.MAX_BODY_BYTES + 1];
        Arrays.fill(body, (byte) ' ');
        HttpsConnection.Response response = connection.postChunked("/validate/vmassignments", body);
        assertThat(response.status()).isEqualTo(413);
        assertThat(json(response).path("message").stringValue()).contains("limit is 3145728 bytes");
        assertThat(response.header("connection")).isEqualTo("close");
    }

    @Test
    void bodyOfExactly3MiBIsJudged() throws Exception {
        byte[] review = Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE);
        byte[] body = Arrays.copyOf(review, AdmissionService.MAX_BODY_BYTES);
        Arrays.fill(body, review.length, body.length, (byte) ' ');
        HttpsConnection.Response response = connection.postJson("/validate/vmassignments", body);
        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).at("/response/allowed").booleanValue()).isTrue();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, AdmissionService.EXACT_READ_BYTES, AdmissionService.EXACT_READ_BYTES + 1})
    void announcedBodiesOfAnySizeAreJudgedAndTheConnectionCarriesTheNext(int size) throws Exception {
        byte[] review = Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE);
        byte[] body = Arrays.copyOf(review, Math.max(size, review.length));
        Arrays.fill(body, review.length, body.length, (byte) ' ');

        HttpsConnection.Response first = connection.postJson("/validate/vmassignments", body);
        HttpsConnection.Response next = connection.postJson("/validate/vmassignments", review);

        assertThat(json(first).at("/response/allowed").booleanValue()).isTrue();
        assertThat(first.header("connection")).isNotEqualTo("close");
        assertThat(json(next).at("/response/allowed").booleanValue()).isTrue();
    }

    @Test
    void missingRequestIs400() throws Exception {
        HttpsConnection.Response response = connection.postJson("/validate/vmassignments",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(400);
        assertThat(json(response).path("message").stringValue()).isEqualTo("AdmissionReview has no request object");
    }

    @Test
    void echoesUidAndSendsTheExactPatch() throws Exception {
        HttpsConnection.Response response = connection.postJson("/mutate/vmassignments",
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE));
        JsonNode review = json(response);
        assertThat(response.status()).isEqualTo(200);
        assertThat(review.at("/response/uid").stringValue()).isEqualTo("3f1c6a2e-8d4b-4c1e-9b7a-52d0e6f4a1c9");
        assertThat(review.at("/response/allowed").booleanValue()).isTrue();
        assertThat(review.at("/response/patchType").stringValue()).isEqualTo("JSONPatch");
        assertThat(review.at("/response/patch").stringValue()).isEqualTo(Base64.getEncoder().encodeToString((
                "[{\"op\":\"add\",\"path\":\"/metadata/annotations/vmpools.dev~1granted-by\",\"value\":\"role:user\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"vmpools.dev/pool\":\"test-vms\",\"vmpools.dev/user\":\"alice\"}},"
                + "{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[\"vmpools.dev/release\"]},"
                + "{\"op\":\"add\",\"path\":\"/spec/user\",\"value\":\"alice\"}]").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sendsNoPatchWhenNothingChanges() throws Exception {
        ObjectNode review = (ObjectNode) REVIEWS.mapper().readTree(Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));
        HttpsConnection.Response response = connection.postJson("/mutate/vmassignments",
                REVIEWS.mapper().writeValueAsBytes(review));
        JsonNode answer = json(response).path("response");
        assertThat(answer.path("uid").stringValue()).isEqualTo("b7e2d1c4-0a9f-4f6e-8c3d-1e5a7b9c2d40");
        assertThat(answer.path("allowed").booleanValue()).isTrue();
        assertThat(answer.has("patch")).isFalse();
        assertThat(answer.has("patchType")).isFalse();
    }

    @Test
    void handlerExceptionIs500NotAllowedWithUidAndTheConnectionLives() throws Exception {
        ObjectNode review = (ObjectNode) REVIEWS.mapper().readTree(Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));
        ((ObjectNode) review.get("request")).put("name", "boom");
        HttpsConnection.Response response = connection.postJson("/validate/vmassignments",
                REVIEWS.mapper().writeValueAsBytes(review));
        JsonNode answer = json(response).path("response");
        assertThat(response.status()).isEqualTo(200);
        assertThat(answer.path("uid").stringValue()).isEqualTo("b7e2d1c4-0a9f-4f6e-8c3d-1e5a7b9c2d40");
        assertThat(answer.path("allowed").booleanValue()).isFalse();
        assertThat(answer.at("/status/code").intValue()).isEqualTo(500);

        HttpsConnection.Response next = connection.postJson("/validate/vmassignments",
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));
        assertThat(json(next).at("/response/allowed").booleanValue()).isTrue();
    }

    @Test
    void livenessIsUp() throws Exception {
        HttpsConnection.Response response = connection.get("/health/live");
        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).path("status").stringValue()).isEqualTo("UP");
    }

    @Test
    void readyWhenTlsIsServedAndCachesAreSynced() throws Exception {
        HttpsConnection.Response response = connection.get("/health/ready");
        assertThat(response.status()).isEqualTo(200);
        assertThat(json(response).path("checks").toString()).isEqualTo("{\"tls\":\"UP\",\"caches\":\"UP\"}");
    }

    @Test
    void notReadyNamesTheFailingCheck() throws Exception {
        CACHES_SYNCED.set(false);
        HttpsConnection.Response response = connection.get("/health/ready");
        assertThat(response.status()).isEqualTo(503);
        assertThat(json(response).path("failing").toString()).isEqualTo("[\"caches\"]");
        assertThat(json(response).path("status").stringValue()).isEqualTo("DOWN");
    }

    @Test
    void countersMoveByKindOperationAndDecision() throws Exception {
        String patched = "vmpools_admission_requests_total{decision=\"patched\",kind=\"VmAssignment\",operation=\"CREATE\"}";
        String rejected = "vmpools_admission_requests_total{decision=\"rejected\",kind=\"VmAssignment\",operation=\"unknown\"}";
        double patchedBefore = metric(patched);
        double rejectedBefore = metric(rejected);

        connection.postJson("/mutate/vmassignments", Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE));
        connection.postJson("/mutate/vmassignments", "not json".getBytes(StandardCharsets.UTF_8));

        assertThat(metric(patched)).isEqualTo(patchedBefore + 1);
        assertThat(metric(rejected)).isEqualTo(rejectedBefore + 1);
        String scrape = connection.get("/metrics").text();
        assertThat(scrape).contains("vmpools_admission_duration_seconds_bucket{kind=\"VmAssignment\",operation=\"CREATE\",le=\"0.001\"}");
        assertThat(scrape).contains("vmpools_webhook_certificate_expiration_timestamp_seconds ");
    }

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        HttpsConnection.Response response = connection.get("/metrics");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).startsWith("text/plain; version=0.0.4");
    }

    private double metric(String series) throws Exception {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(connection.get("/metrics").text());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    private static JsonNode json(HttpsConnection.Response response) {
        return REVIEWS.mapper().readTree(response.body());
    }
}
