package dev.vmpools.webhook.http;

import java.util.Map;
import java.util.Objects;

import dev.vmpools.webhook.admission.AdmissionHandler;

/** The handler of every {@link Endpoint}: the compiler makes sure none is forgotten. */
public record AdmissionHandlers(
        AdmissionHandler validatePools,
        AdmissionHandler mutateAssignments,
        AdmissionHandler validateAssignments,
        AdmissionHandler validateVms) {

    public AdmissionHandlers {
        Objects.requireNonNull(validatePools, "validatePools");
        Objects.requireNonNull(mutateAssignments, "mutateAssignments");
        Objects.requireNonNull(validateAssignments, "validateAssignments");
        Objects.requireNonNull(validateVms, "validateVms");
    }

    public Map<Endpoint, AdmissionHandler> byEndpoint() {
        return Map.of(
                Endpoint.VALIDATE_VMPOOLS, validatePools,
                Endpoint.MUTATE_VMASSIGNMENTS, mutateAssignments,
                Endpoint.VALIDATE_VMASSIGNMENTS, validateAssignments,
                Endpoint.VALIDATE_VMS, validateVms);
    }
}
