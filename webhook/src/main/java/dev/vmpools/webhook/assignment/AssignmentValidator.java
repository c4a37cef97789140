package dev.vmpools.webhook.assignment;

import java.util.Objects;

import dev.vmpools.webhook.admission.AdmissionHandler;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.cluster.Assignments;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.identity.Caller;
import dev.vmpools.webhook.identity.CallerPolicy;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /validate/vmassignments}: CREATE by {@link AssignmentPolicy#create} (after mutation, so
 * {@code spec.user} is set), UPDATE by {@link AssignmentPolicy#update}, DELETE by {@link AssignmentPolicy#delete}.
 */
public final class AssignmentValidator implements AdmissionHandler {

    /** Audit annotation with the granted-by record of an admitted CREATE. */
    public static final String AUDIT_GRANTED_BY = "granted-by";

    private final AssignmentPolicy policy;
    private final CallerPolicy callers;
    private final Pools pools;
    private final Assignments assignments;

    public AssignmentValidator(AssignmentPolicy policy, CallerPolicy callers, Pools pools, Assignments assignments) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.callers = Objects.requireNonNull(callers, "callers");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.assignments = Objects.requireNonNull(assignments, "assignments");
    }

    @Override
    public AdmissionOutcome handle(AdmissionRequest request) {
        Caller caller = callers.caller(request.userInfo().username(), request.userInfo().groups(), request.namespace());
        return switch (request.operation()) {
            case CREATE -> create(caller, request);
            case UPDATE -> policy.update(caller, request.name(), required(request.oldObject().orElse(null), "oldObject"),
                    required(request.object().orElse(null), "object"));
            case DELETE -> policy.delete(caller, request.name(), required(request.oldObject().orElse(null), "oldObject"));
            case CONNECT -> throw new IllegalStateException("CONNECT is not configured for VmAssignments");
        };
    }

    private AdmissionOutcome create(Caller caller, AdmissionRequest request) {
        ObjectNode object = required(request.object().orElse(null), "object");
        return switch (policy.create(caller, request.namespace(), request.name(), AssignmentSpec.read(object), pools, assignments)) {
            case CreateDecision.Refuse refuse -> refuse.outcome();
            case CreateDecision.Admit admit -> {
                AdmissionOutcome allowed = AdmissionOutcome.allowed().withPool(admit.pool())
                        .withAuditAnnotation(AUDIT_GRANTED_BY, admit.grantedBy().format());
                for (String warning : admit.warnings()) {
                    allowed = allowed.withWarning(warning);
                }
                yield allowed;
            }
        };
    }

    private static ObjectNode required(ObjectNode node, String field) {
        if (node == null) {
            throw new IllegalStateException("the request has no " + field);
        }
        return node;
    }
}
