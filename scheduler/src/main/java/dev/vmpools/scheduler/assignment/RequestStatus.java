package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.VmAssignmentStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A VmAssignment's status (DESIGN §2.3), as the planner reads and writes it. Fields without a value are null.
 *
 * @param vm the VM assigned; for {@code VmGone} the VM lost, for {@code Expired} the VM that was assigned
 * @param lease the VM's Lease name
 * @param leaseTransitions the Lease's {@code leaseTransitions} when this request took the VM: the fencing token
 * @param assignedAt when the VM was assigned (the Lease's {@code acquireTime})
 * @param lastUsed the last use: the assignment or the last disconnect of the assignee's console
 * @param expiresAt when the assignment ends; null while the assignee's console is connected
 * @param observedGeneration the request's generation this was computed for
 * @param assigned the {@code Assigned} condition, its reason an {@link AssignmentReason}
 * @param ready the {@code Ready} condition: assigned and the VM runs
 */
public record RequestStatus(String vm, String lease, Integer leaseTransitions, Instant assignedAt, Instant lastUsed,
        Instant expiresAt, long observedGeneration, StatusCondition assigned, StatusCondition ready) {

    public RequestStatus {
        Objects.requireNonNull(assigned, "assigned");
        Objects.requireNonNull(ready, "ready");
    }

    /** The reason of the {@code Assigned} condition, if it is one of ours. */
    public Optional<AssignmentReason> reason() {
        return AssignmentReason.fromReason(assigned.reason());
    }

    /** Whether the request has reached a terminal reason and never gets a VM again. */
    public boolean terminal() {
        return reason().map(AssignmentReason::terminal).orElse(false);
    }

    /** The api model for writing the status subresource. */
    public VmAssignmentStatus toModel() {
        return new VmAssignmentStatus(vm, lease, leaseTransitions, assignedAt, lastUsed, expiresAt, observedGeneration,
                List.of(assigned.toModel(), ready.toModel()));
    }

    /** Reads a written status; empty when it has no readable {@code Assigned} condition. */
    public static Optional<RequestStatus> fromModel(VmAssignmentStatus status) {
        if (status == null || status.conditions() == null) {
            return Optional.empty();
        }
        StatusCondition assigned = null;
        StatusCondition ready = null;
        for (Condition condition : new ArrayList<>(status.conditions())) {
            StatusCondition read = StatusCondition.fromModel(condition);
            if (read != null && read.type().equals(ConditionTypes.ASSIGNED)) {
                assigned = read;
            } else if (read != null && read.type().equals(ConditionTypes.READY)) {
                ready = read;
            }
        }
        if (assigned == null) {
            return Optional.empty();
        }
        long generation = status.observedGeneration() == null ? 0 : status.observedGeneration();
        if (ready == null) {
            ready = new StatusCondition(ConditionTypes.READY, ConditionTypes.UNKNOWN, "Unknown", "",
                    assigned.lastTransitionTime(), generation);
        }
        return Optional.of(new RequestStatus(status.vm(), status.lease(), status.leaseTransitions(),
                status.assignedAt(), status.lastUsed(), status.expiresAt(), generation, assigned, ready));
    }
}
