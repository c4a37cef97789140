package dev.vmpools.webhook.http;

import java.util.Set;

import dev.vmpools.webhook.admission.Operation;

/**
 * The admission endpoints, each bound to one kind and the operations its webhook configuration sends.
 * A request of another kind, operation or a subresource means the configuration and the server disagree:
 * it is denied, naming what was expected, rather than judged by the wrong rules.
 */
public enum Endpoint {
    VALIDATE_VMPOOLS("/validate/vmpools", "vmoperator.jdrupes.org", "VmPool", false,
            Set.of(Operation.CREATE, Operation.UPDATE)),
    MUTATE_VMASSIGNMENTS("/mutate/vmassignments", "vmpools.dev", "VmAssignment", true,
            Set.of(Operation.CREATE)),
    VALIDATE_VMASSIGNMENTS("/validate/vmassignments", "vmpools.dev", "VmAssignment", false,
            Set.of(Operation.CREATE, Operation.UPDATE, Operation.DELETE)),
    VALIDATE_VMS("/validate/vms", "vmoperator.jdrupes.org", "VirtualMachine", false,
            Set.of(Operation.CREATE, Operation.UPDATE));

    private final String path;
    private final String group;
    private final String kind;
    private final boolean mutating;
    private final Set<Operation> operations;

    Endpoint(String path, String group, String kind, boolean mutating, Set<Operation> operations) {
        this.path = path;
        this.group = group;
        this.kind = kind;
        this.mutating = mutating;
        this.operations = operations;
    }

    public String path() {
        return path;
    }

    public String group() {
        return group;
    }

    public String kind() {
        return kind;
    }

    /** Only a mutating endpoint may answer with a patch. */
    public boolean mutating() {
        return mutating;
    }

    public Set<Operation> operations() {
        return operations;
    }
}
