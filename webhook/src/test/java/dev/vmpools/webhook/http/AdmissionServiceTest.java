package dev.vmpools.webhook.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.admission.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The service's checks after the HTTP ones, called in-process. */
class AdmissionServiceTest {

    private final AdmissionReviews reviews = new AdmissionReviews();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AdmissionService service =
            new AdmissionService(TestHandlers.handlers(), reviews, new AdmissionMetrics(registry));

    @Test
    void patchesAliceAssignmentWithExactOperationsAlthoughTheHandlerEditsTheObjectInPlace() {
        AdmissionService.Answer answer = service.review(Endpoint.MUTATE_VMASSIGNMENTS,
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE));
        JsonNode response = json(answer).path("response");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.decision()).isEqualTo("patched");
        assertThat(response.path("uid").stringValue()).isEqualTo("3f1c6a2e-8d4b-4c1e-9b7a-52d0e6f4a1c9");
        assertThat(response.path("allowed").booleanValue()).isTrue();
        assertThat(response.path("patchType").stringValue()).isEqualTo("JSONPatch");
        assertThat(decode(response.path("patch").stringValue())).isEqualTo("["
                + "{\"op\":\"add\",\"path\":\"/metadata/annotations/vmpools.dev~1granted-by\",\"value\":\"role:user\"},"
                + "{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"vmpools.dev/pool\":\"test-vms\",\"vmpools.dev/user\":\"alice\"}},"
                + "{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[\"vmpools.dev/release\"]},"
                + "{\"op\":\"add\",\"path\":\"/spec/user\",\"value\":\"alice\"}]");
        assertThat(response.at("/auditAnnotations/pool").stringValue()).isEqualTo("test-vms");
    }

    @Test
    void answersWithoutPatchWhenTheMutationChangesNothing() {
        AdmissionService.Answer answer = service.review(Endpoint.MUTATE_VMASSIGNMENTS,
                withOperation(Fixtures.ASSIGNMENT_CREATE_VALIDATE, "CREATE"));
        JsonNode response = json(answer).path("response");
        assertThat(answer.decision()).isEqualTo("allowed");
        assertThat(response.path("allowed").booleanValue()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
        assertThat(response.at("/auditAnnotations/decision").stringValue()).isEqualTo("allowed");
    }

    @ParameterizedTest(name = "{0} operations")
    @CsvSource({"0, allowed", "1, patched"})
    void answersWithTheOperationsAHandlerWroteAndWithoutPatchWhenThereAreNone(int count, String decision) {
        AdmissionService writing = new AdmissionService(new AdmissionHandlers(TestHandlers.allowing(), request -> {
            ArrayNode operations = reviews.mapper().createArrayNode();
            for (int i = 0; i < count; i++) {
                operations.addObject().put("op", "add").put("path", "/spec/user").put("value", "alice");
            }
            return AdmissionOutcome.patchedWith(operations).withWarning("written by the handler");
        }, TestHandlers.validating(), TestHandlers.allowing()), reviews, new AdmissionMetrics(registry));
        AdmissionService.Answer answer = writing.review(Endpoint.MUTATE_VMASSIGNMENTS, Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE));
        JsonNode response = json(answer).path("response");
        assertThat(answer.decision()).isEqualTo(decision);
        assertThat(response.path("allowed").booleanValue()).isTrue();
        assertThat(response.has("patchType")).isEqualTo(count > 0);
        assertThat(response.has("patch") ? decode(response.path("patch").stringValue()) : "")
                .isEqualTo(count > 0 ? "[{\"op\":\"add\",\"path\":\"/spec/user\",\"value\":\"alice\"}]" : "");
        assertThat(response.at("/warnings/0").stringValue()).isEqualTo("written by the handler");
        assertThat(response.at("/auditAnnotations/decision").stringValue()).isEqualTo(decision);
    }

    @Test
    void deniesWithTheHandlersReasonAndField() {
        ObjectNode review = fixture(Fixtures.ASSIGNMENT_CREATE_VALIDATE);
        ((ObjectNode) review.at("/request/object/spec")).put("pool", "forbidden-pool");
        JsonNode response = json(service.review(Endpoint.VALIDATE_VMASSIGNMENTS, bytes(review))).path("response");
        assertThat(response.path("allowed").booleanValue()).isFalse();
        assertThat(response.at("/status/code").intValue()).isEqualTo(403);
        assertThat(response.at("/status/reason").stringValue()).isEqualTo("NoGrant");
        assertThat(response.at("/status/message").stringValue()).contains("forbidden-pool", "alice");
        assertThat(response.at("/status/details/causes/0/field").stringValue()).isEqualTo("spec.pool");
    }

    @Test
    void handlerExceptionIs500NotAllowedWithUid() {
        ObjectNode review = fixture(Fixtures.ASSIGNMENT_CREATE_VALIDATE);
        ((ObjectNode) review.get("request")).put("name", "boom");
        AdmissionService.Answer answer = service.review(Endpoint.VALIDATE_VMASSIGNMENTS, bytes(review));
        JsonNode response = json(answer).path("response");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.decision()).isEqualTo("errored");
        assertThat(response.path("uid").stringValue()).isEqualTo("b7e2d1c4-0a9f-4f6e-8c3d-1e5a7b9c2d40");
        assertThat(response.path("allowed").booleanValue()).isFalse();
        assertThat(response.at("/status/code").intValue()).isEqualTo(500);
        assertThat(response.at("/status/message").stringValue()).contains("IllegalStateException", "b7e2d1c4");
    }

    @Test
    void aPatchFromAValidatingEndpointIsAnInternalError() {
        AdmissionService patchingValidator = new AdmissionService(new AdmissionHandlers(TestHandlers.allowing(),
                TestHandlers.defaulting(), TestHandlers.defaulting(), TestHandlers.allowing()), reviews, new AdmissionMetrics(registry));
        JsonNode response = json(patchingValidator.review(Endpoint.VALIDATE_VMASSIGNMENTS,
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE))).path("response");
        assertThat(response.at("/status/code").intValue()).isEqualTo(500);
        assertThat(response.has("patch")).isFalse();
    }

    @Test
    void aHandlerReturningNothingIsAnInternalError() {
        AdmissionService nullHandler = new AdmissionService(new AdmissionHandlers(request -> null,
                request -> null, request -> null, request -> null), reviews, new AdmissionMetrics(registry));
        JsonNode response = json(nullHandler.review(Endpoint.VALIDATE_VMPOOLS, Fixtures.bytes(Fixtures.POOL_CREATE)))
                .path("response");
        assertThat(response.at("/status/code").intValue()).isEqualTo(500);
    }

    @Test
    void anAnswerThatCannotBeWrittenIsAnInternalErrorWithUid() {
        // Read within the nesting limit, but the patch around it is too deep to write.
        AdmissionService deepening = new AdmissionService(new AdmissionHandlers(TestHandlers.allowing(), request -> {
            ObjectNode object = request.object().orElseThrow();
            ObjectNode node = object.withObjectProperty("spec");
            for (int depth = 0; depth < AdmissionReviews.MAX_NESTING_DEPTH; depth++) {
                node = node.putObject("n");
            }
            return AdmissionOutcome.patched(object);
        }, TestHandlers.validating(), TestHandlers.allowing()), reviews, new AdmissionMetrics(registry));
        AdmissionService.Answer answer = deepening.review(Endpoint.MUTATE_VMASSIGNMENTS,
                Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE));
        JsonNode response = json(answer).path("response");
        assertThat(answer.decision()).isEqualTo("errored");
        assertThat(response.path("uid").stringValue()).isEqualTo("3f1c6a2e-8d4b-4c1e-9b7a-52d0e6f4a1c9");
        assertThat(response.at("/status/code").intValue()).isEqualTo(500);
        assertThat(response.has("patch")).isFalse();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "vmpool-create.json,                 MUTATE_VMASSIGNMENTS,   UnsupportedKind,        VmPool.vmoperator.jdrupes.org",
        "vmassignment-create-mutate.json,    VALIDATE_VMS,           UnsupportedKind,        /validate/vms judges VirtualMachine.vmoperator.jdrupes.org",
        "vmassignment-delete.json,           MUTATE_VMASSIGNMENTS,   UnsupportedOperation,   not DELETE",
    })
    void deniesRequestsTheEndpointDoesNotJudge(String fixture, Endpoint endpoint, String reason, String message) {
        AdmissionService.Answer answer = service.review(endpoint, Fixtures.bytes(fixture));
        JsonNode response = json(answer).path("response");
        assertThat(response.path("allowed").booleanValue()).isFalse();
        assertThat(response.at("/status/code").intValue()).isEqualTo(400);
        assertThat(response.at("/status/reason").stringValue()).isEqualTo(reason);
        assertThat(response.at("/status/message").stringValue()).contains(message);
    }

    @Test
    void deniesSubresourceRequests() {
        ObjectNode review = fixture(Fixtures.ASSIGNMENT_CREATE_VALIDATE);
        ((ObjectNode) review.get("request")).put("subResource", "status").put("operation", "UPDATE");
        JsonNode response = json(service.review(Endpoint.VALIDATE_VMASSIGNMENTS, bytes(review))).path("response");
        assertThat(response.at("/status/reason").stringValue()).isEqualTo(AdmissionService.UNSUPPORTED_SUBRESOURCE);
    }

    @Test
    void unknownOperationIsDeniedWithUid() {
        AdmissionService.Answer answer = service.review(Endpoint.VALIDATE_VMASSIGNMENTS,
                withOperation(Fixtures.ASSIGNMENT_CREATE_VALIDATE, "PATCH"));
        JsonNode response = json(answer).path("response");
        assertThat(answer.operation()).isEqualTo(AdmissionMetrics.UNKNOWN_OPERATION);
        assertThat(response.path("uid").stringValue()).isEqualTo("b7e2d1c4-0a9f-4f6e-8c3d-1e5a7b9c2d40");
        assertThat(response.at("/status/reason").stringValue()).isEqualTo("UnsupportedOperation");
    }

    @Test
    void malformedBodyIsHttp400WithAStatusMessage() {
        AdmissionService.Answer answer = service.review(Endpoint.VALIDATE_VMS, "{\"apiVersion\":".getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.decision()).isEqualTo(AdmissionMetrics.REJECTED);
        JsonNode status = json(answer);
        assertThat(status.path("kind").stringValue()).isEqualTo("Status");
        assertThat(status.path("message").stringValue()).startsWith("request body is not valid JSON");
    }

    private byte[] withOperation(String fixture, String operation) {
        ObjectNode review = fixture(fixture);
        ((ObjectNode) review.get("request")).put("operation", operation);
        return bytes(review);
    }

    private ObjectNode fixture(String name) {
        return (ObjectNode) reviews.mapper().readTree(Fixtures.bytes(name));
    }

    private byte[] bytes(JsonNode node) {
        return reviews.mapper().writeValueAsBytes(node);
    }

    private JsonNode json(AdmissionService.Answer answer) {
        return reviews.mapper().readTree(answer.body());
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
