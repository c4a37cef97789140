package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.VmPoolStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code VmPool.status} (DESIGN §2.1), which the scheduler owns.
 *
 * @param vms VMs that list the pool
 * @param assigned of those, VMs held for an assignment of this pool
 * @param free of those, VMs that could be assigned now
 * @param waiting active requests for the pool without a VM
 * @param observedGeneration the pool generation these numbers were computed for
 * @param hasVms the condition {@code HasVMs}
 */
public record PoolStatus(int vms, int assigned, int free, int waiting, long observedGeneration,
        StatusCondition hasVms) {

    public PoolStatus {
        if (vms < 0 || assigned < 0 || free < 0 || waiting < 0) {
            throw new IllegalArgumentException("counts must not be negative: vms " + vms + ", assigned " + assigned
                    + ", free " + free + ", waiting " + waiting);
        }
        Objects.requireNonNull(hasVms, "hasVms");
    }

    /** The api model for writing the status subresource. */
    public VmPoolStatus toModel() {
        return new VmPoolStatus(vms, assigned, free, waiting, observedGeneration, List.of(hasVms.toModel()));
    }

    /** Reads a written status; empty when it lacks counts or a readable {@code HasVMs} condition. */
    public static Optional<PoolStatus> fromModel(VmPoolStatus status) {
        if (status == null || status.vms() == null || status.assigned() == null || status.free() == null
                || status.waiting() == null || status.conditions() == null) {
            return Optional.empty();
        }
        Optional<StatusCondition> hasVms = status.conditions().stream()
                .filter(c -> c != null && ConditionTypes.HAS_VMS.equals(c.getType()))
                .map(StatusCondition::fromModel).filter(Objects::nonNull).findFirst();
        return hasVms.map(condition -> new PoolStatus(status.vms(), status.assigned(), status.free(),
                status.waiting(), status.observedGeneration() == null ? 0 : status.observedGeneration(), condition));
    }
}
