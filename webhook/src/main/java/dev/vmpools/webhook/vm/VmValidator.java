package dev.vmpools.webhook.vm;

import java.util.Objects;

import dev.vmpools.webhook.admission.AdmissionHandler;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.identity.Caller;
import dev.vmpools.webhook.identity.CallerPolicy;
import tools.jackson.databind.node.ObjectNode;

/** {@code /validate/vms}: CREATE and UPDATE of VM-Operator's VMs judged by {@link VmPolicy}. */
public final class VmValidator implements AdmissionHandler {

    private final CallerPolicy callers;
    private final Pools pools;

    public VmValidator(CallerPolicy callers, Pools pools) {
        this.callers = Objects.requireNonNull(callers, "callers");
        this.pools = Objects.requireNonNull(pools, "pools");
    }

    @Override
    public AdmissionOutcome handle(AdmissionRequest request) {
        ObjectNode object = request.object().orElseThrow(() -> new IllegalStateException("the request has no object"));
        return switch (request.operation()) {
            case CREATE -> VmPolicy.create(request.name(), object);
            case UPDATE -> {
                Caller caller = callers.caller(request.userInfo().username(), request.userInfo().groups(), request.namespace());
                ObjectNode oldObject = request.oldObject().orElseThrow(() -> new IllegalStateException("UPDATE without oldObject"));
                yield VmPolicy.update(caller, request.namespace(), request.name(), oldObject, object, pools);
            }
            case DELETE, CONNECT -> throw new IllegalStateException(request.operation() + " is not configured for vms");
        };
    }
}
