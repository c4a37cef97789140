package dev.vmpools.webhook.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.vmpools.webhook.Requests;
import dev.vmpools.webhook.Webhook;
import dev.vmpools.webhook.WebhookConfig;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.admission.Fixtures;
import dev.vmpools.webhook.admission.Operation;
import dev.vmpools.webhook.cluster.ExistingAssignment;
import dev.vmpools.webhook.http.AdmissionMetrics;
import dev.vmpools.webhook.http.AdmissionService;
import dev.vmpools.webhook.http.Endpoint;
import io.fabric8.zjsonpatch.JsonPatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The VmAssignment endpoints from request bytes to answer, with the rules of {@link AssignmentPolicy}. */
class AssignmentAdmissionTest {

    private final AdmissionService service = new AdmissionService(
            Webhook.handlers(WebhookConfig.from(java.util.Map.of("delegates", "gitops/deployer=vmop-dev")),
                    AssignmentPolicyTest.POOL_CACHE, AssignmentPolicyTest.NONE, InstantSource.fixed(Instant.EPOCH)),
            new AdmissionReviews(), new AdmissionMetrics(new SimpleMeterRegistry()));

    private final AssignmentMutator mutator = new AssignmentMutator(AssignmentPolicyTest.POLICY, AssignmentPolicyTest.CALLERS,
            AssignmentPolicyTest.POOL_CACHE, AssignmentPolicyTest.NONE);
    private final AssignmentValidator validator = new AssignmentValidator(AssignmentPolicyTest.POLICY, AssignmentPolicyTest.CALLERS,
            AssignmentPolicyTest.POOL_CACHE, AssignmentPolicyTest.NONE);

    @Test
    void mutationAddsUserLabelsFinalizerAndGrantedByAsOneExactPatch() {
        JsonNode response = answer(Endpoint.MUTATE_VMASSIGNMENTS, Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE));

        assertThat(response.path("allowed").booleanValue()).isTrue();
        assertThat(response.path("patchType").stringValue()).isEqualTo("JSONPatch");
        JsonNode patch = Requests.MAPPER.readTree(Base64.getDecoder().decode(response.path("patch").stringValue()));
        assertThat(patch).isEqualTo(Requests.MAPPER.readTree("""
                [{"op":"add","path":"/metadata/annotations/vmpools.dev~1granted-by","value":"role:user"},
                 {"op":"add","path":"/metadata/labels","value":{"vmpools.dev/pool":"test-vms","vmpools.dev/user":"alice"}},
                 {"op":"add","path":"/metadata/finalizers","value":["vmpools.dev/release"]},
                 {"op":"add","path":"/spec/user","value":"alice"}]"""));
        assertThat(response.path("auditAnnotations").path("granted-by").stringValue()).isEqualTo("role:user");
        assertThat(response.path("auditAnnotations").path("pool").stringValue()).isEqualTo("test-vms");
        assertThat(response.has("warnings")).isFalse();
    }

    @Test
    void mutationOfAnAlreadyMutatedRequestChangesNothing() {
        JsonNode response = answer(Endpoint.MUTATE_VMASSIGNMENTS, Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));

        assertThat(response.path("allowed").booleanValue()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
    }

    @Test
    void validationAdmitsTheMutatedRequest() {
        JsonNode response = answer(Endpoint.VALIDATE_VMASSIGNMENTS, Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_VALIDATE));

        assertThat(response.path("allowed").booleanValue()).isTrue();
        assertThat(response.path("auditAnnotations").path("decision").stringValue()).isEqualTo("allowed");
    }

    @Test
    void aliceDeletingBobsAssignmentIsForbidden() {
        JsonNode response = answer(Endpoint.VALIDATE_VMASSIGNMENTS, Fixtures.bytes(Fixtures.ASSIGNMENT_DELETE));

        assertThat(response.path("allowed").booleanValue()).isFalse();
        assertThat(response.path("status").path("code").intValue()).isEqualTo(403);
        assertThat(response.path("status").path("reason").stringValue()).isEqualTo("NotAssignee");
        assertThat(response.path("status").path("details").path("causes").path(0).path("field").stringValue()).isEqualTo("spec.user");
        assertThat(response.path("auditAnnotations").path("reason").stringValue()).isEqualTo("NotAssignee");
    }

    @Test
    void mutationOverwritesForgedMetadataAndKeepsOtherFinalizers() {
        ObjectNode object = Requests.json("""
                {"metadata":{"name":"req","labels":{"vmpools.dev/user":"bob","team":"a"},
                  "annotations":{"vmpools.dev/granted-by":"admin:admin","vmpools.dev/user":"bob"},
                  "finalizers":["example.com/keep","vmpools.dev/release"]},
                 "spec":{"pool":"test-vms"}}""");

        AdmissionOutcome outcome = mutator.handle(Requests.assignment(Operation.CREATE, Requests.ALICE, "vmop-dev", "req", object, null));

        JsonNode mutated = patched(object, outcome);
        assertThat(mutated.at("/metadata/labels")).isEqualTo(Requests.json(
                "{\"vmpools.dev/user\":\"alice\",\"team\":\"a\",\"vmpools.dev/pool\":\"test-vms\"}"));
        assertThat(mutated.at("/metadata/annotations")).isEqualTo(Requests.json("{\"vmpools.dev/granted-by\":\"role:user\"}"));
        assertThat(mutated.at("/metadata/finalizers")).isEqualTo(Requests.MAPPER.readTree("[\"example.com/keep\",\"vmpools.dev/release\"]"));
    }

    @Test
    void aUserNameThatIsNoLabelValueIsHashedAndAnnotated() {
        WebhookConfig config = WebhookConfig.from(java.util.Map.of("user-name-pattern", "^[a-z.@]+$"));
        AssignmentMutator lenient = new AssignmentMutator(new AssignmentPolicy(config.callers().identity()), config.callers(),
                AssignmentPolicyTest.POOL_CACHE, AssignmentPolicyTest.NONE);
        ObjectNode object = Requests.json("{\"metadata\":{\"name\":\"req\"},\"spec\":{\"pool\":\"test-vms\"}}");

        AdmissionOutcome outcome = lenient.handle(Requests.assignment(Operation.CREATE, Requests.user("alice@example.org", "user"),
                "vmop-dev", "req", object, null));

        JsonNode mutated = patched(object, outcome);
        assertThat(mutated.at("/metadata/labels/vmpools.dev~1user").stringValue()).startsWith("alice-example.org-").hasSizeLessThanOrEqualTo(63);
        assertThat(mutated.at("/metadata/annotations/vmpools.dev~1user").stringValue()).isEqualTo("alice@example.org");
        assertThat(mutated.at("/metadata/annotations").has("vmpools.dev/pool")).isFalse();
        assertThat(mutated.at("/spec/user").stringValue()).isEqualTo("alice@example.org");
    }

    @Test
    void mutationRefusesWhatValidationRefusesButLeavesWarningsToValidation() {
        ObjectNode forBob = Requests.json("{\"metadata\":{\"name\":\"req\"},\"spec\":{\"pool\":\"test-vms\",\"user\":\"bob\"}}");
        ObjectNode carols = Requests.json("{\"metadata\":{\"name\":\"req\"},\"spec\":{\"pool\":\"test-vms\"}}");

        AdmissionOutcome adminMutated = mutator.handle(Requests.assignment(Operation.CREATE, Requests.ADMIN, "vmop-dev", "req", forBob, null));
        AdmissionOutcome adminValidated = validator.handle(Requests.assignment(Operation.CREATE, Requests.ADMIN, "vmop-dev", "req",
                patched(forBob, adminMutated), null));
        AdmissionOutcome carolMutated = mutator.handle(Requests.assignment(Operation.CREATE, Requests.CAROL, "vmop-dev", "req", carols, null));
        AdmissionOutcome carolValidated = validator.handle(Requests.assignment(Operation.CREATE, Requests.CAROL, "vmop-dev", "req", carols, null));

        assertThat(adminMutated.warnings()).isEmpty();
        assertThat(patched(forBob, adminMutated).at("/metadata/annotations/vmpools.dev~1granted-by").stringValue())
                .isEqualTo("admin:admin");
        assertThat(adminValidated).isInstanceOf(AdmissionOutcome.Allowed.class);
        assertThat(adminValidated.warnings()).singleElement().satisfies(w -> assertThat(w).contains("names user bob"));
        assertThat(adminValidated.auditAnnotations()).containsEntry("granted-by", "admin:admin").containsEntry("pool", "test-vms");
        assertThat(carolMutated).isEqualTo(carolValidated);
        assertThat(((AdmissionOutcome.Denied) carolMutated).reason()).isEqualTo("NoPoolPermission");
    }

    @Test
    void validationDeniesASecondActiveRequestNamingTheFirst() {
        AssignmentValidator withFirst = new AssignmentValidator(AssignmentPolicyTest.POLICY, AssignmentPolicyTest.CALLERS,
                AssignmentPolicyTest.POOL_CACHE, (namespace, pool, user) -> List.of(
                        new ExistingAssignment("alice-first", Instant.parse("2026-11-24T08:00:00Z"), false, Optional.of("Assigned"))));
        ObjectNode second = Requests.json("{\"metadata\":{\"name\":\"alice-second\"},\"spec\":{\"pool\":\"test-vms\",\"user\":\"alice\"}}");

        AdmissionOutcome outcome = withFirst.handle(Requests.assignment(Operation.CREATE, Requests.ALICE, "vmop-dev", "alice-second",
                second, null));

        assertThat(outcome).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo("DuplicateAssignment");
            assertThat(denied.message()).contains("alice-first (Assigned)");
        });
    }

    @Test
    void patchIsComputedFromTheRawObject() {
        ObjectNode object = Requests.json("{\"metadata\":{\"name\":\"req\",\"labels\":{}},\"spec\":{\"pool\":\"test-vms\",\"extra\":[1,2]}}");

        AdmissionOutcome outcome = mutator.handle(Requests.assignment(Operation.CREATE, Requests.ALICE, "vmop-dev", "req", object, null));

        assertThat(operations(outcome))
                .extracting(op -> op.path("path").stringValue())
                .containsExactlyInAnyOrder("/metadata/labels/vmpools.dev~1pool", "/metadata/labels/vmpools.dev~1user",
                        "/metadata/annotations", "/metadata/finalizers", "/spec/user");
    }

    /** The mutator's operations. */
    static ArrayNode operations(AdmissionOutcome outcome) {
        AdmissionOutcome.Patched patched = (AdmissionOutcome.Patched) outcome;
        return ((AdmissionOutcome.Mutation.Operations) patched.mutation()).operations();
    }

    /** The object as the API server stores it: the mutator's patch applied to the request's object. */
    static ObjectNode patched(ObjectNode original, AdmissionOutcome outcome) {
        return (ObjectNode) JsonPatch.apply(operations(outcome), original);
    }

    private JsonNode answer(Endpoint endpoint, byte[] body) {
        AdmissionService.Answer answer = service.review(endpoint, body);
        assertThat(answer.status()).isEqualTo(200);
        return Requests.MAPPER.readTree(answer.body()).path("response");
    }
}
