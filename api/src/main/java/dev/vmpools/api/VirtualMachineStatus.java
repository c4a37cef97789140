package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Optional;

/**
 * The parts of a VM's status vmpools reads; read only, see {@link VirtualMachine}.
 *
 * @param assignment VM-Operator's assignment record, {@code {}} when there is none
 * @param consoleUser who last requested a console
 * @param conditions VM-Operator's conditions, e.g. {@link ConditionTypes#CONSOLE_CONNECTED}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMachineStatus(Assignment assignment, String consoleUser, List<Condition> conditions) {

    /** {@code status.assignment} exactly as written; {@link #toPoolAssignment()} interprets it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Assignment(String pool, String user, String lastUsed) {

        /** The assignment, or empty for {@code {}} and for a record without pool or user. */
        public Optional<PoolAssignment> toPoolAssignment() {
            return PoolAssignment.of(pool, user, lastUsed);
        }
    }
}
