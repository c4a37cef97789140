package dev.vmpools.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigInteger;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.vmpools.webhook.WebhookServer;
import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.admission.Fixtures;
import dev.vmpools.webhook.tls.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Thousands of corrupted AdmissionReviews over one HTTPS keep-alive connection: every answer is a
 * well-formed 4xx Status or an AdmissionReview that echoes the uid sent; nothing hangs (10 s socket
 * timeout); the server judges correctly afterwards, on many connections at once.
 * {@code -Dfuzz.count=N -Dfuzz.seed=S} reproduce or extend a run.
 */
class AdmissionFuzzIT {

    private static final int COUNT = Integer.getInteger("fuzz.count", 5000);
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final JsonMapper MAPPER = new AdmissionReviews().mapper();
    /** Writes the corrupted reviews, including nesting far deeper than the server accepts. */
    private static final JsonMapper WRITER = JsonMapper.builder(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(1_000_000).build()).build()).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIXTURES = List.of(Fixtures.ASSIGNMENT_CREATE_MUTATE,
            Fixtures.ASSIGNMENT_CREATE_VALIDATE, Fixtures.ASSIGNMENT_DELETE, Fixtures.POOL_CREATE);
    /** Held so the level sticks: thousands of intended handler failures would flood the log. */
    private static final Logger SERVICE_LOG = Logger.getLogger(AdmissionService.class.getName());

    private static WebhookServer server;

    @BeforeAll
    static void start() throws Exception {
        SERVICE_LOG.setLevel(Level.SEVERE);
        server = WebhookServer.builder().host("127.0.0.1").port(0)
                .tlsMaterial(TestCertificates.selfSigned("fuzz").material())
                .handlers(TestHandlers.handlers())
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    /** A body to send (null: announce an oversized one) and the uid an answering review must carry, if known. */
    private record Case(String kind, Endpoint endpoint, String contentType, byte[] body, String expectedUid) {
    }

    @Test
    void corruptedReviewsAlwaysGetAWellFormedAnswer() throws Exception {
        Random random = new Random(SEED);
        Map<String, Integer> outcomes = new TreeMap<>();
        long start = System.nanoTime();
        HttpsConnection connection = HttpsConnection.open(server.port());
        try {
            for (int i = 0; i < COUNT; i++) {
                Case fuzzCase = corrupt(random);
                HttpsConnection.Response response;
                try {
                    response = fuzzCase.body() == null
                            ? connection.announce(fuzzCase.endpoint().path(), AdmissionService.MAX_BODY_BYTES + 1L + random.nextInt(1 << 30))
                            : connection.post(fuzzCase.endpoint().path(), fuzzCase.contentType(), fuzzCase.body());
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no answer within 10 s to case " + i + " (" + fuzzCase.kind() + "), seed " + SEED, e);
                }
                String outcome = check(i, fuzzCase, response);
                outcomes.merge(outcome, 1, Integer::sum);
                if ("close".equalsIgnoreCase(response.header("connection"))) {
                    connection.close();
                    connection = HttpsConnection.open(server.port());
                }
            }
        } finally {
            connection.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("fuzz: %d corrupted reviews in %.1f s (seed %d): %s%n", COUNT, seconds, SEED, outcomes);

        assertThat(outcomes.keySet()).contains("400", "denied", "allowed");
        judgesCorrectlyOnManyConnectionsAfterwards();
    }

    private static void judgesCorrectlyOnManyConnectionsAfterwards() throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> patches = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                patches.add(pool.submit(() -> {
                    try (HttpsConnection connection = HttpsConnection.open(server.port())) {
                        String patch = null;
                        for (int n = 0; n < 20; n++) {
                            HttpsConnection.Response response = connection.postJson("/mutate/vmassignments",
                                    Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE));
                            JsonNode review = MAPPER.readTree(response.body());
                            assertThat(review.at("/response/uid").stringValue()).isEqualTo("3f1c6a2e-8d4b-4c1e-9b7a-52d0e6f4a1c9");
                            patch = review.at("/response/patch").stringValue();
                        }
                        return patch;
                    }
                }));
            }
            for (Future<String> patch : patches) {
                assertThat(new String(Base64.getDecoder().decode(patch.get()), StandardCharsets.UTF_8))
                        .startsWith("[{\"op\":\"add\",\"path\":\"/metadata/annotations/vmpools.dev~1granted-by\"")
                        .endsWith("{\"op\":\"add\",\"path\":\"/spec/user\",\"value\":\"alice\"}]");
            }
        }
    }

    /** Checks one answer and names its outcome for the tally. */
    private static String check(int i, Case fuzzCase, HttpsConnection.Response response) {
        String context = "case " + i + " (" + fuzzCase.kind() + ", seed " + SEED + ")";
        switch (response.status()) {
            case 400, 415, 413 -> {
                if (response.status() == 413 && response.body().length == 0) {
                    return "413"; // Helidon refuses an announced oversized body before routing
                }
                JsonNode status = parse(response, context);
                assertThat(status.path("kind").stringValue()).as(context).isEqualTo("Status");
                assertThat(status.path("code").intValue()).as(context).isEqualTo(response.status());
                assertThat(status.path("message").stringValue()).as(context).isNotBlank();
                return String.valueOf(response.status());
            }
            case 200 -> {
                JsonNode review = parse(response, context);
                assertThat(review.path("kind").stringValue()).as(context).isEqualTo("AdmissionReview");
                JsonNode answer = review.path("response");
                assertThat(answer.path("uid").isString()).as(context).isTrue();
                assertThat(answer.path("uid").stringValue()).as(context).isNotBlank();
                if (fuzzCase.expectedUid() != null) {
                    assertThat(answer.path("uid").stringValue()).as(context).isEqualTo(fuzzCase.expectedUid());
                }
                assertThat(answer.path("allowed").isBoolean()).as(context).isTrue();
                if (answer.path("allowed").booleanValue()) {
                    if (answer.has("patch")) {
                        assertThat(answer.path("patchType").stringValue()).as(context).isEqualTo("JSONPatch");
                        assertThat(MAPPER.readTree(Base64.getDecoder().decode(answer.path("patch").stringValue())).isArray())
                                .as(context).isTrue();
                        return "patched";
                    }
                    return "allowed";
                }
                int code = answer.at("/status/code").intValue();
                assertThat(code).as(context).isIn(400, 403, 422, 500);
                assertThat(answer.at("/status/message").stringValue()).as(context).isNotBlank();
                return code == 500 ? "errored" : "denied";
            }
            default -> fail(context + ": HTTP " + response.status() + " " + response.text());
        }
        return "unreachable";
    }

    private static JsonNode parse(HttpsConnection.Response response, String context) {
        try {
            return MAPPER.readTree(response.body());
        } catch (JacksonException e) {
            throw new AssertionError(context + ": answer is not JSON: " + response.text(), e);
        }
    }

    private static Case corrupt(Random random) {
        String fixture = FIXTURES.get(random.nextInt(FIXTURES.size()));
        Endpoint endpoint = Endpoint.values()[random.nextInt(Endpoint.values().length)];
        ObjectNode review = (ObjectNode) MAPPER.readTree(Fixtures.bytes(fixture));
        int kind = random.nextInt(100);
        if (kind < 30) {
            String what = mutateTree(review, random);
            return treeCase(what, endpoint, review);
        }
        if (kind < 45) {
            String what = mutateUid(review, random);
            return treeCase(what, endpoint, review);
        }
        byte[] body = WRITER.writeValueAsBytes(review);
        if (kind < 60) {
            return new Case("truncated", endpoint, "application/json",
                    Arrays.copyOf(body, random.nextInt(body.length)), null);
        }
        if (kind < 72) {
            for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            }
            return new Case("bytes flipped", endpoint, "application/json", body, null);
        }
        if (kind < 80) {
            return new Case("deep nesting", endpoint, "application/json", deepNesting(random), null);
        }
        if (kind < 84) {
            String type = List.of("text/plain", "application/yaml", "application/json-patch+json", "", "application/jsonx")
                    .get(random.nextInt(5));
            return new Case("content type '" + type + "'", endpoint, type.isEmpty() ? null : type, body, null);
        }
        if (kind < 88) {
            String[] wrong = {"null", "[]", "\"AdmissionReview\"", "42", "{}", "true",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":null}",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{}}"};
            return new Case("wrong shape", endpoint, "application/json",
                    wrong[random.nextInt(wrong.length)].getBytes(StandardCharsets.UTF_8), null);
        }
        if (kind < 89) {
            // Announced only: the server answers before the body and ends the connection.
            return new Case("over 3 MiB", endpoint, "application/json", null, null);
        }
        String what = mutateTree(review, random) + " + " + mutateTree(review, random);
        return treeCase(what, endpoint, review);
    }

    private static Case treeCase(String what, Endpoint endpoint, ObjectNode review) {
        JsonNode uid = review.at("/request/uid");
        boolean echoable = review.path("request").isObject() && uid.isString() && !uid.stringValue().isBlank()
                && uid.stringValue().length() <= AdmissionReviews.MAX_UID_LENGTH;
        return new Case(what, endpoint, "application/json", WRITER.writeValueAsBytes(review),
                echoable ? uid.stringValue() : null);
    }

    private static String mutateUid(ObjectNode review, Random random) {
        ObjectNode request = (ObjectNode) review.get("request");
        return switch (random.nextInt(8)) {
            case 0 -> { request.remove("uid"); yield "uid removed"; }
            case 1 -> { request.put("uid", ""); yield "uid empty"; }
            case 2 -> { request.put("uid", random.nextLong()); yield "uid a number"; }
            case 3 -> { request.put("uid", "u".repeat(129 + random.nextInt(100_000))); yield "uid too long"; }
            case 4 -> { request.put("uid", "ü\u0000\"\\/\uD83D\uDE00" + random.nextInt()); yield "uid odd characters"; }
            case 5 -> { request.putArray("uid").add("a"); yield "uid an array"; }
            case 6 -> { request.put("uid", "u".repeat(128)); yield "uid of the maximal length"; }
            default -> { request.putNull("uid"); yield "uid null"; }
        };
    }

    /** Replaces, removes or blows up one node anywhere in the review. */
    private static String mutateTree(ObjectNode review, Random random) {
        List<String> pointers = new ArrayList<>();
        collect(review, "", pointers);
        String pointer = pointers.get(random.nextInt(pointers.size()));
        String parentPointer = pointer.substring(0, pointer.lastIndexOf('/'));
        JsonNode parent = review.at(parentPointer);
        String key = pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
        int choice = random.nextInt(5);
        JsonNode replacement = switch (choice) {
            case 0 -> null;
            case 1 -> wrongType(random);
            case 2 -> NODES.stringNode("x".repeat(random.nextInt(200_000)));
            case 3 -> nested(50 + random.nextInt(700));
            default -> NODES.stringNode(randomText(random));
        };
        if (parent instanceof ObjectNode object) {
            if (replacement == null) {
                object.remove(key);
            } else {
                object.set(key, replacement);
            }
        } else if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(key);
            if (replacement == null) {
                array.remove(index);
            } else {
                array.set(index, replacement);
            }
        }
        return (replacement == null ? "removed " : "replaced ") + pointer
                + (replacement == null ? "" : " with " + replacement.getNodeType());
    }

    private static void collect(JsonNode node, String pointer, List<String> pointers) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String child = pointer + "/" + entry.getKey().replace("~", "~0").replace("/", "~1");
                pointers.add(child);
                collect(entry.getValue(), child, pointers);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                pointers.add(pointer + "/" + i);
                collect(node.get(i), pointer + "/" + i, pointers);
            }
        }
    }

    private static JsonNode wrongType(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> NODES.numberNode(random.nextDouble() * 1e300);
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.nullNode();
            case 3 -> NODES.arrayNode().add(random.nextInt()).add("x");
            case 4 -> NODES.objectNode().put("unexpected", random.nextLong());
            default -> NODES.numberNode(new BigInteger(400, random));
        };
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.stringNode("bottom");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("n", node);
        }
        return node;
    }

    private static byte[] deepNesting(Random random) {
        int depth = 400 + random.nextInt(100_000);
        return ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
                + "[".repeat(depth) + "]".repeat(random.nextBoolean() ? depth : depth / 2) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(40); i > 0; i--) {
            text.appendCodePoint(random.nextInt(3) == 0 ? random.nextInt(0x20) : 0x20 + random.nextInt(0x3000));
        }
        return text.toString();
    }
}
