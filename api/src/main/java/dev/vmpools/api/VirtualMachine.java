package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.List;
import java.util.Optional;

/**
 * VM-Operator's VirtualMachine (resource {@code vms}), reduced to the fields vmpools reads.
 *
 * <p><b>Read only.</b> Everything not modelled here is silently dropped on deserialization, so an
 * instance must never be sent back with update, replace or edit: that would wipe the VM's definition.
 * Write VMs with JSON patches built by {@link VmPatches} against the raw object.
 */
@Group(VirtualMachine.GROUP)
@Version(VirtualMachine.VERSION)
@Kind(VirtualMachine.KIND)
@Plural(VirtualMachine.PLURAL)
@Singular(VirtualMachine.SINGULAR)
@JsonIgnoreProperties(ignoreUnknown = true)
public class VirtualMachine extends CustomResource<VirtualMachineSpec, VirtualMachineStatus> implements Namespaced {
    public static final String GROUP = "vmoperator.jdrupes.org";
    public static final String VERSION = "v1";
    public static final String KIND = "VirtualMachine";
    public static final String PLURAL = "vms";
    public static final String SINGULAR = "vm";

    /** The pools this VM belongs to, empty when none. */
    public List<String> pools() {
        return spec == null || spec.pools() == null ? List.of() : spec.pools();
    }

    /** The desired state ({@link VirtualMachineSpec#RUNNING} or {@link VirtualMachineSpec#STOPPED}), if set. */
    public Optional<String> desiredState() {
        return Optional.ofNullable(spec).map(VirtualMachineSpec::vm).map(VirtualMachineSpec.Vm::state);
    }

    /** VM-Operator's record of who holds this VM, if any ({@code {}} or absent means none). */
    public Optional<PoolAssignment> assignment() {
        return Optional.ofNullable(status).map(VirtualMachineStatus::assignment)
                .flatMap(VirtualMachineStatus.Assignment::toPoolAssignment);
    }

    /** The user who last requested a console, if any. */
    public Optional<String> consoleUser() {
        return Optional.ofNullable(status).map(VirtualMachineStatus::consoleUser);
    }

    /** The status condition of the given type, e.g. {@link ConditionTypes#CONSOLE_CONNECTED}. */
    public Optional<Condition> condition(String type) {
        if (status == null || status.conditions() == null) {
            return Optional.empty();
        }
        return status.conditions().stream().filter(c -> c != null && type.equals(c.getType())).findFirst();
    }
}
