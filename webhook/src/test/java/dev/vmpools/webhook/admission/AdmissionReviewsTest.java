package dev.vmpools.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class AdmissionReviewsTest {

    private final AdmissionReviews reviews = new AdmissionReviews();

    @Test
    void readsVmAssignmentCreateAsTheApiServerSendsIt() {
        AdmissionRequest request = Fixtures.request(Fixtures.ASSIGNMENT_CREATE_MUTATE);
        assertThat(request.uid()).isEqualTo("3f1c6a2e-8d4b-4c1e-9b7a-52d0e6f4a1c9");
        assertThat(request.kind()).isEqualTo(new AdmissionRequest.Kind("vmpools.dev", "v1alpha1", "VmAssignment"));
        assertThat(request.resource()).isEqualTo(new AdmissionRequest.Resource("vmpools.dev", "v1alpha1", "vmassignments"));
        assertThat(request.operation()).isEqualTo(Operation.CREATE);
        assertThat(request.namespace()).isEqualTo("vmop-dev");
        assertThat(request.name()).isEqualTo("alice-test-vms");
        assertThat(request.subResource()).isEmpty();
        assertThat(request.userInfo().username()).isEqualTo("alice");
        assertThat(request.userInfo().groups()).containsExactly("user", "system:authenticated");
        assertThat(request.object()).get().extracting(o -> o.at("/spec/pool").stringValue()).isEqualTo("test-vms");
        assertThat(request.object().orElseThrow().at("/metadata/managedFields/0/manager").stringValue())
                .isEqualTo("kubectl-client-side-apply");
        assertThat(request.oldObject()).isEmpty();
        assertThat(request.dryRun()).isFalse();
    }

    @Test
    void readsDeleteWithOldObjectOnly() {
        AdmissionRequest request = Fixtures.request(Fixtures.ASSIGNMENT_DELETE);
        assertThat(request.operation()).isEqualTo(Operation.DELETE);
        assertThat(request.object()).isEmpty();
        assertThat(request.oldObject().orElseThrow().at("/spec/user").stringValue()).isEqualTo("bob");
    }

    @Test
    void readsUserExtra() {
        AdmissionRequest request = Fixtures.request(Fixtures.POOL_CREATE);
        assertThat(request.userInfo().extra())
                .isEqualTo(Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=1b2c3d4e")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not JSON                | {\"kind\":                                                     | not valid JSON",
        "trailing garbage        | {\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"} x | not valid JSON",
        "array                   | []                                                             | must be a JSON object",
        "string                  | \"review\"                                                     | must be a JSON object",
        "empty                   | ''                                                             | must be a JSON object",
        "v1beta1                 | {\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}} | admissionReviewVersions",
        "no request              | {\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"} | no request object",
        "request not object      | {\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":[1]} | no request object",
        "no uid                  | {\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}} | request.uid",
        "numeric uid             | {\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":42}} | request.uid",
        "blank uid               | {\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\" \"}} | request.uid",
    })
    void answersMalformedBodiesWithAMessage(String what, String body, String message) {
        assertThat(reviews.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(AdmissionReviews.Parsed.Malformed.class,
                        malformed -> assertThat(malformed.message()).contains(message));
    }

    @Test
    void refusesOverlongUids() {
        ObjectNode review = fixture(Fixtures.ASSIGNMENT_CREATE_MUTATE);
        ((ObjectNode) review.get("request")).put("uid", "u".repeat(129));
        assertThat(reviews.parse(bytes(review))).isInstanceOf(AdmissionReviews.Parsed.Malformed.class);
    }

    @Test
    void refusesDeeplyNestedJson() {
        String deep = "[".repeat(AdmissionReviews.MAX_NESTING_DEPTH + 1) + "]".repeat(AdmissionReviews.MAX_NESTING_DEPTH + 1);
        assertThat(reviews.parse(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(AdmissionReviews.Parsed.Malformed.class,
                        malformed -> assertThat(malformed.message()).contains("nesting depth"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/request/operation | \"PATCH\"      | UnsupportedOperation | operation 'PATCH' is not one of",
        "/request/operation | 7              | BadAdmissionRequest  | request.operation must be a string",
        "/request/kind      | \"VmPool\"     | BadAdmissionRequest  | request.kind must be an object",
        "/request/userInfo  | null           | BadAdmissionRequest  | request.userInfo is missing",
        "/request/userInfo  | {\"username\":\"alice\",\"groups\":\"user\"} | BadAdmissionRequest | request.userInfo.groups must be an array of strings",
        "/request/userInfo  | {\"username\":\"alice\",\"groups\":[1]}     | BadAdmissionRequest | holds number",
        "/request/userInfo  | {\"username\":\"alice\",\"extra\":{\"k\":\"v\"}} | BadAdmissionRequest | request.userInfo.extra.k must be an array",
        "/request/object    | \"{}\"         | BadAdmissionRequest  | request.object must be an object, not string",
        "/request/dryRun    | \"true\"       | BadAdmissionRequest  | request.dryRun must be a boolean",
        "/request/resource  | {\"group\":\"vmpools.dev\",\"version\":\"v1alpha1\"} | BadAdmissionRequest | request.resource.resource is missing",
        "/request/name      | []             | BadAdmissionRequest  | request.name must be a string, not array",
    })
    void refusesReviewsWithBrokenFieldsEchoingTheUid(String pointer, String value, String reason, String message) {
        ObjectNode review = fixture(Fixtures.ASSIGNMENT_CREATE_MUTATE);
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        ((ObjectNode) review.at(parent)).set(pointer.substring(pointer.lastIndexOf('/') + 1), reviews.mapper().readTree(value));
        assertThat(reviews.parse(bytes(review))).isInstanceOfSatisfying(AdmissionReviews.Parsed.Refused.class, refused -> {
            assertThat(refused.uid()).isEqualTo("3f1c6a2e-8d4b-4c1e-9b7a-52d0e6f4a1c9");
            assertThat(refused.denial().code()).isEqualTo(400);
            assertThat(refused.denial().reason()).isEqualTo(reason);
            assertThat(refused.denial().message()).contains(message);
        });
    }

    @Test
    void writesAllowedWithoutPatchOrPatchType() {
        JsonNode response = response("uid-1", AdmissionOutcome.allowed(), empty());
        assertThat(response.path("apiVersion").stringValue()).isEqualTo("admission.k8s.io/v1");
        assertThat(response.path("kind").stringValue()).isEqualTo("AdmissionReview");
        assertThat(response.at("/response/uid").stringValue()).isEqualTo("uid-1");
        assertThat(response.at("/response/allowed").booleanValue()).isTrue();
        assertThat(response.path("response").has("patch")).isFalse();
        assertThat(response.path("response").has("patchType")).isFalse();
        assertThat(response.path("response").has("status")).isFalse();
        assertThat(response.at("/response/auditAnnotations/decision").stringValue()).isEqualTo("allowed");
    }

    @Test
    void writesPatchBase64WithPatchType() {
        ArrayNode patch = reviews.mapper().createArrayNode();
        patch.addObject().put("op", "add").put("path", "/spec/user").put("value", "alice");
        AdmissionOutcome outcome = AdmissionOutcome.patched(reviews.mapper().createObjectNode()).withPool("test-vms");
        JsonNode response = response("uid-2", outcome, patch);
        assertThat(response.at("/response/patchType").stringValue()).isEqualTo("JSONPatch");
        assertThat(new String(Base64.getDecoder().decode(response.at("/response/patch").stringValue()), StandardCharsets.UTF_8))
                .isEqualTo("[{\"op\":\"add\",\"path\":\"/spec/user\",\"value\":\"alice\"}]");
        assertThat(response.at("/response/auditAnnotations/decision").stringValue()).isEqualTo("patched");
        assertThat(response.at("/response/auditAnnotations/pool").stringValue()).isEqualTo("test-vms");
    }

    @Test
    void writesDenialWithStatusCausesWarningsAndAudit() {
        AdmissionOutcome outcome = AdmissionOutcome.forbidden("NoGrant",
                        "pool test-vms grants nothing to carol; ask an admin for a grant",
                        AdmissionOutcome.Cause.forbidden("spec.pool", "no grant for carol"))
                .withPool("test-vms")
                .withWarning("carol is in no group");
        JsonNode response = response("uid-3", outcome, empty());
        assertThat(response.at("/response/allowed").booleanValue()).isFalse();
        assertThat(response.at("/response/status/code").intValue()).isEqualTo(403);
        assertThat(response.at("/response/status/status").stringValue()).isEqualTo("Failure");
        assertThat(response.at("/response/status/reason").stringValue()).isEqualTo("NoGrant");
        assertThat(response.at("/response/status/message").stringValue()).startsWith("pool test-vms grants nothing");
        assertThat(response.at("/response/status/details/causes/0/field").stringValue()).isEqualTo("spec.pool");
        assertThat(response.at("/response/status/details/causes/0/reason").stringValue()).isEqualTo("FieldValueForbidden");
        assertThat(response.at("/response/warnings/0").stringValue()).isEqualTo("carol is in no group");
        assertThat(response.at("/response/auditAnnotations").properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("pool", "decision", "reason");
        assertThat(response.at("/response/auditAnnotations/reason").stringValue()).isEqualTo("NoGrant");
    }

    @Test
    void writesErrorsAs500InternalError() {
        JsonNode response = response("uid-4", AdmissionOutcome.errored("cache exploded"), empty());
        assertThat(response.at("/response/allowed").booleanValue()).isFalse();
        assertThat(response.at("/response/status/code").intValue()).isEqualTo(500);
        assertThat(response.at("/response/status/reason").stringValue()).isEqualTo("InternalError");
        assertThat(response.at("/response/auditAnnotations/decision").stringValue()).isEqualTo("errored");
    }

    @Test
    void responsesReadBackWithTheKubernetesModel() {
        AdmissionOutcome outcome = AdmissionOutcome.invalid("UnknownPermission", "may: fly is unknown",
                AdmissionOutcome.Cause.notSupported("spec.permissions[0].may[0]", "fly"));
        AdmissionReview review = reviews.mapper().readValue(reviews.response("uid-5", outcome, empty()), AdmissionReview.class);
        assertThat(review.getResponse().getUid()).isEqualTo("uid-5");
        assertThat(review.getResponse().getAllowed()).isFalse();
        assertThat(review.getResponse().getStatus().getCode()).isEqualTo(422);
        assertThat(review.getResponse().getStatus().getDetails().getCauses().getFirst().getField())
                .isEqualTo("spec.permissions[0].may[0]");
    }

    @Test
    void statusBodiesAreKubernetesStatuses() {
        JsonNode status = reviews.mapper().readTree(reviews.status(415, "UnsupportedMediaType", "use application/json"));
        assertThat(status.path("kind").stringValue()).isEqualTo("Status");
        assertThat(status.path("code").intValue()).isEqualTo(415);
        assertThat(status.path("message").stringValue()).isEqualTo("use application/json");
    }

    private JsonNode response(String uid, AdmissionOutcome outcome, ArrayNode patch) {
        return reviews.mapper().readTree(reviews.response(uid, outcome, patch));
    }

    private ArrayNode empty() {
        return reviews.mapper().createArrayNode();
    }

    private ObjectNode fixture(String name) {
        return (ObjectNode) reviews.mapper().readTree(Fixtures.bytes(name));
    }

    private byte[] bytes(JsonNode node) {
        return reviews.mapper().writeValueAsBytes(node);
    }
}
