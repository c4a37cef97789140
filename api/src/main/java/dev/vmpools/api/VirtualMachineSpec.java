package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The parts of a VM's spec vmpools reads; read only, see {@link VirtualMachine}.
 *
 * @param pools the pools (same namespace) the VM belongs to
 * @param vm the VM definition, of which only the desired state is modelled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VirtualMachineSpec(List<String> pools, Vm vm) {
    public static final String RUNNING = "Running";
    public static final String STOPPED = "Stopped";

    /** {@code spec.vm}: only {@code state} is modelled. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Vm(String state) {
    }
}
