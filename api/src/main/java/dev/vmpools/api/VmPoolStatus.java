package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * The pool status the scheduler keeps current.
 *
 * @param vms VMs that list this pool
 * @param assigned VMs held for an assignment of this pool
 * @param free VMs that could be assigned now
 * @param waiting active requests without a VM
 * @param observedGeneration the pool generation these numbers were computed for
 * @param conditions {@link ConditionTypes#HAS_VMS}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VmPoolStatus(Integer vms, Integer assigned, Integer free, Integer waiting, Long observedGeneration,
        List<Condition> conditions) {
}
