package dev.vmpools.webhook.pool;

import java.time.InstantSource;
import java.util.Objects;

import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.webhook.admission.AdmissionHandler;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /validate/vmpools}: VmPool CREATE and UPDATE judged by {@link PoolPolicy}. */
public final class PoolValidator implements AdmissionHandler {

    private final PoolPolicy policy;
    private final InstantSource clock;
    private final JsonMapper mapper;

    public PoolValidator(PoolPolicy policy, InstantSource clock, JsonMapper mapper) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public AdmissionOutcome handle(AdmissionRequest request) {
        JsonNode specNode = request.object().map(o -> o.path("spec")).orElse(null);
        VmPoolSpec spec;
        try {
            spec = specNode == null || specNode.isMissingNode() || specNode.isNull()
                    ? new VmPoolSpec(null, null, null)
                    : mapper.treeToValue(specNode, VmPoolSpec.class);
        } catch (RuntimeException e) {
            String detail = e instanceof JacksonException json ? json.getOriginalMessage() : e.getMessage();
            return AdmissionOutcome.invalid(PoolPolicy.MALFORMED_SPEC, "VmPool " + request.name()
                            + ": spec does not follow VM-Operator's VmPool schema (" + detail + ")",
                    AdmissionOutcome.Cause.invalid("spec", "does not follow VM-Operator's VmPool schema"))
                    .withPool(request.name());
        }
        return policy.review(spec, clock.instant()).withPool(request.name());
    }
}
