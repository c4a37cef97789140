package dev.vmpools.webhook.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.names.LabelValue;
import dev.vmpools.webhook.Requests;
import dev.vmpools.webhook.WebhookConfig;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.admission.JsonPatches;
import dev.vmpools.webhook.admission.Operation;
import dev.vmpools.webhook.identity.CallerPolicy;
import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The mutator writes its patch from its decision, without copying the object: for objects of every shape the
 * API server may send, the patch is exactly the one a diff gives between the object and a copy mutated in
 * place, and applying it stores that copy.
 */
class AssignmentMutatorTest {

    /** Admits alice, and names that need a hashed label (alice@example.org), so that the annotations are exercised. */
    private static final CallerPolicy CALLERS = WebhookConfig.from(Map.of("user-name-pattern", "^[a-z.@]+$")).callers();
    private static final AssignmentPolicy POLICY = new AssignmentPolicy(CALLERS.identity());
    private static final AssignmentMutator MUTATOR =
            new AssignmentMutator(POLICY, CALLERS, AssignmentPolicyTest.POOL_CACHE, AssignmentPolicyTest.NONE);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        // case                                    | requester          | object
        "as kubectl apply sends it                 | alice              | {'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{}'},'name':'req','namespace':'vmop-dev'},'spec':{'pool':'test-vms'}}",
        "no metadata                               | alice              | {'spec':{'pool':'test-vms'}}",
        "metadata null                             | alice              | {'metadata':null,'spec':{'pool':'test-vms'}}",
        "metadata not an object                    | alice              | {'spec':{'pool':'test-vms'},'metadata':'x'}",
        "spec before metadata                      | alice              | {'spec':{'pool':'test-vms'},'metadata':{'name':'req'}}",
        "maps and finalizers of the wrong type     | alice              | {'metadata':{'finalizers':null,'labels':'x','annotations':[1]},'spec':{'pool':'test-vms'}}",
        "empty maps and finalizers                 | alice              | {'metadata':{'finalizers':[],'labels':{},'annotations':{}},'spec':{'pool':'test-vms'}}",
        "other finalizers are kept                 | alice              | {'metadata':{'finalizers':['example.com/keep',1]},'spec':{'pool':'test-vms'}}",
        "our finalizer is there already            | alice              | {'metadata':{'finalizers':['vmpools.dev/release','example.com/keep']},'spec':{'pool':'test-vms'}}",
        "forged labels and annotations             | alice              | {'metadata':{'labels':{'team':'a','vmpools.dev/user':'bob','vmpools.dev/pool':7},'annotations':{'vmpools.dev/user':'bob','vmpools.dev/pool':'x','vmpools.dev/granted-by':'admin:admin'}},'spec':{'pool':'test-vms'}}",
        "keys in another order                     | alice              | {'spec':{'user':'alice','pool':'test-vms'},'metadata':{'finalizers':['vmpools.dev/release'],'annotations':{'vmpools.dev/granted-by':'role:user'},'labels':{'vmpools.dev/user':'alice','team':'a'}}}",
        "everything in place already               | alice              | {'metadata':{'labels':{'vmpools.dev/pool':'test-vms','vmpools.dev/user':'alice'},'annotations':{'vmpools.dev/granted-by':'role:user'},'finalizers':['vmpools.dev/release']},'spec':{'pool':'test-vms','user':'alice'}}",
        "spec.user empty                           | alice              | {'metadata':{'name':'req'},'spec':{'pool':'test-vms','user':''}}",
        "spec.user null                            | alice              | {'metadata':{'name':'req'},'spec':{'user':null,'pool':'test-vms'}}",
        "a user name that is no label value        | alice@example.org  | {'metadata':{'name':'req','annotations':{'vmpools.dev/user':'bob'}},'spec':{'pool':'test-vms'}}",
        "its annotation is there already           | alice@example.org  | {'metadata':{'name':'req','annotations':{'vmpools.dev/user':'alice@example.org'}},'spec':{'pool':'test-vms'}}",
        "keys holding ~ and / elsewhere            | alice              | {'metadata':{'labels':{'a~b/c':'d'},'annotations':{'x/y~z':'w'}},'spec':{'pool':'test-vms','f~/':1}}",
    })
    void patchIsTheDiffAgainstTheObjectMutatedInPlace(String name, String requester, String singleQuoted) {
        ObjectNode object = Requests.json(singleQuoted.replace('\'', '"'));
        AdmissionRequest request = Requests.assignment(Operation.CREATE, Requests.user(requester, "user"), "vmop-dev", "req",
                object.deepCopy(), null);
        CreateDecision.Admit admit = (CreateDecision.Admit) POLICY.create(CALLERS.caller(requester, request.userInfo().groups(),
                "vmop-dev"), "vmop-dev", "req", AssignmentSpec.read(object), AssignmentPolicyTest.POOL_CACHE, AssignmentPolicyTest.NONE);
        ObjectNode mutated = mutatedInPlace(object.deepCopy(), admit);

        AdmissionOutcome outcome = MUTATOR.handle(request);

        ArrayNode patch = AssignmentAdmissionTest.operations(outcome);
        assertThat(patch).isEqualTo(JsonPatches.diff(object, mutated));
        assertThat(JsonPatch.apply(patch, object)).isEqualTo(mutated);
        assertThat(request.object()).as("the request's object is not changed").contains(object);
    }

    /** The object as an admitted request is stored: the mutation written as edits of the tree, for reference. */
    private static ObjectNode mutatedInPlace(ObjectNode object, CreateDecision.Admit admit) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode existing ? existing : object.putObject("spec");
        spec.put("user", admit.user());

        ObjectNode metadata = object.get("metadata") instanceof ObjectNode existing ? existing : object.putObject("metadata");
        ObjectNode labels = metadata.get("labels") instanceof ObjectNode existing ? existing : metadata.putObject("labels");
        ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode existing
                ? existing : metadata.putObject("annotations");
        name(labels, annotations, MetadataKeys.POOL_LABEL, MetadataKeys.POOL_ANNOTATION, admit.pool());
        name(labels, annotations, MetadataKeys.USER_LABEL, MetadataKeys.USER_ANNOTATION, admit.user());
        annotations.put(MetadataKeys.GRANTED_BY_ANNOTATION, admit.grantedBy().format());

        ArrayNode finalizers = metadata.get("finalizers") instanceof ArrayNode existing ? existing : metadata.putArray("finalizers");
        boolean present = false;
        for (JsonNode finalizer : finalizers) {
            present |= finalizer.isString() && MetadataKeys.FINALIZER.equals(finalizer.stringValue());
        }
        if (!present) {
            finalizers.add(MetadataKeys.FINALIZER);
        }
        return object;
    }

    private static void name(ObjectNode labels, ObjectNode annotations, String labelKey, String annotationKey, String name) {
        LabelValue value = LabelValue.of(name);
        labels.put(labelKey, value.value());
        if (value.needsAnnotation()) {
            annotations.put(annotationKey, name);
        } else {
            annotations.remove(annotationKey);
        }
    }
}
