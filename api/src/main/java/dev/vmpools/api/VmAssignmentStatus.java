package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;

/**
 * Where a request stands, written by the scheduler.
 *
 * @param vm the VM assigned, if any
 * @param lease the per-VM Lease that records the holder
 * @param leaseTransitions the Lease's {@code leaseTransitions} when this request took it: the fencing token
 * @param assignedAt when the VM was assigned
 * @param lastUsed the last use: the assignment, or the last disconnect of the assignee's console
 * @param expiresAt when the assignment ends; absent while the assignee's console is connected
 * @param observedGeneration the generation this status was computed for
 * @param conditions {@link ConditionTypes#ASSIGNED} (reason: an {@link AssignmentReason}) and
 *     {@link ConditionTypes#READY}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VmAssignmentStatus(String vm, String lease, Integer leaseTransitions, Instant assignedAt,
        Instant lastUsed, Instant expiresAt, Long observedGeneration, List<Condition> conditions) {
}
