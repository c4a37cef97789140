package dev.vmpools.webhook.assignment;

import java.util.Objects;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.names.LabelValue;
import dev.vmpools.webhook.admission.AdmissionHandler;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.admission.ObjectEdit;
import dev.vmpools.webhook.cluster.Assignments;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.identity.Caller;
import dev.vmpools.webhook.identity.CallerPolicy;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /mutate/vmassignments} (CREATE): defaults {@code spec.user} to the requester and sets the labels
 * {@code vmpools.dev/pool} and {@code vmpools.dev/user} (with the full names in annotations where a label
 * cannot hold them), the finalizer {@code vmpools.dev/release} and the annotation
 * {@code vmpools.dev/granted-by}, overwriting whatever the requester wrote there. A request that
 * {@link AssignmentPolicy} refuses is refused here already, with the same answer; warnings are left to the
 * validating webhook, so that they are shown once.
 */
public final class AssignmentMutator implements AdmissionHandler {

    private final AssignmentPolicy policy;
    private final CallerPolicy callers;
    private final Pools pools;
    private final Assignments assignments;

    public AssignmentMutator(AssignmentPolicy policy, CallerPolicy callers, Pools pools, Assignments assignments) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.callers = Objects.requireNonNull(callers, "callers");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.assignments = Objects.requireNonNull(assignments, "assignments");
    }

    @Override
    public AdmissionOutcome handle(AdmissionRequest request) {
        ObjectNode object = request.object().orElseThrow(() -> new IllegalStateException("CREATE without object"));
        Caller caller = callers.caller(request.userInfo().username(), request.userInfo().groups(), request.namespace());
        return switch (policy.create(caller, request.namespace(), request.name(), AssignmentSpec.read(object), pools, assignments)) {
            case CreateDecision.Refuse refuse -> refuse.outcome();
            case CreateDecision.Admit admit -> {
                String grantedBy = admit.grantedBy().format();
                yield AdmissionOutcome.patchedWith(edit(admit, grantedBy).patch(object))
                        .withPool(admit.pool())
                        .withAuditAnnotation(AssignmentValidator.AUDIT_GRANTED_BY, grantedBy);
            }
        };
    }

    /**
     * The user, labels, annotations and finalizer of an admitted request, as edits of its object: the patch
     * is written from them, without copying the object. {@code grantedBy} is the formatted {@code admit.grantedBy()}.
     */
    private static ObjectEdit edit(CreateDecision.Admit admit, String grantedBy) {
        ObjectEdit object = new ObjectEdit();
        object.object("spec").set("user", admit.user());

        ObjectEdit metadata = object.object("metadata");
        ObjectEdit labels = metadata.object("labels");
        ObjectEdit annotations = metadata.object("annotations");
        name(labels, annotations, MetadataKeys.POOL_LABEL, MetadataKeys.POOL_ANNOTATION, admit.pool());
        name(labels, annotations, MetadataKeys.USER_LABEL, MetadataKeys.USER_ANNOTATION, admit.user());
        annotations.set(MetadataKeys.GRANTED_BY_ANNOTATION, grantedBy);
        metadata.include("finalizers", MetadataKeys.FINALIZER);
        return object;
    }

    private static void name(ObjectEdit labels, ObjectEdit annotations, String labelKey, String annotationKey, String name) {
        LabelValue value = LabelValue.of(name);
        labels.set(labelKey, value.value());
        if (value.needsAnnotation()) {
            annotations.set(annotationKey, name);
        } else {
            annotations.remove(annotationKey);
        }
    }
}
