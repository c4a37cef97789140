package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachineStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A VM (resource {@code vms}) and its Lease as the planner sees them.
 *
 * @param name the VM name
 * @param uid the VM's uid (owner of its Lease)
 * @param resourceVersion as read; the commit to a VM without an assignment record is fenced by it
 * @param pools {@code spec.pools}
 * @param desiredState {@code spec.vm.state} ({@code Running} or {@code Stopped}), if set
 * @param running the {@code Running} condition is True
 * @param console the {@code ConsoleConnected} condition and {@code status.consoleUser}
 * @param hasStatus whether the VM has a {@code status} at all (decides the form of the commit patch)
 * @param assignmentRecord {@code status.assignment} exactly as written ({@code {}} reads as a record without
 *     fields), if present; patches test against it verbatim
 * @param lease the VM's Lease ({@code vmpool.<vm-name>}), if it exists
 * @param assignment VM-Operator's assignment record, interpreted ({@code {}} and an incomplete record mean
 *     none): derived from {@code assignmentRecord} once, since every plan asks for it
 */
public record VmState(String name, String uid, String resourceVersion, List<String> pools,
        Optional<String> desiredState, boolean running, Console console, boolean hasStatus,
        Optional<VirtualMachineStatus.Assignment> assignmentRecord, Optional<LeaseState> lease,
        Optional<PoolAssignment> assignment) {

    public VmState {
        Checks.name(name, "name");
        Checks.name(uid, "uid");
        Checks.name(resourceVersion, "resourceVersion");
        pools = List.copyOf(Objects.requireNonNull(pools, "pools"));
        Objects.requireNonNull(desiredState, "desiredState");
        Objects.requireNonNull(console, "console");
        Objects.requireNonNull(assignmentRecord, "assignmentRecord");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(assignment, "assignment");
        if (assignmentRecord.isPresent() && !hasStatus) {
            throw new IllegalArgumentException("VM " + name + " has an assignment record but no status");
        }
    }

    /** A VM with its assignment record interpreted. */
    public VmState(String name, String uid, String resourceVersion, List<String> pools, Optional<String> desiredState,
            boolean running, Console console, boolean hasStatus,
            Optional<VirtualMachineStatus.Assignment> assignmentRecord, Optional<LeaseState> lease) {
        this(name, uid, resourceVersion, pools, desiredState, running, console, hasStatus, assignmentRecord, lease,
                Objects.requireNonNull(assignmentRecord, "assignmentRecord")
                        .flatMap(VirtualMachineStatus.Assignment::toPoolAssignment));
    }

    /** Whether {@code spec.pools} lists the pool. */
    public boolean lists(String pool) {
        return pools.contains(pool);
    }

    /** The Lease, unless it belongs to an earlier VM of the same name (its owner reference names another uid). */
    public Optional<LeaseState> ownLease() {
        return lease.filter(l -> l.ownerUid() == null || l.ownerUid().equals(uid));
    }

    /** The status as the commit patch needs to see it: only whether it exists and its assignment record. */
    VirtualMachineStatus statusForPatch() {
        return hasStatus ? new VirtualMachineStatus(assignmentRecord.orElse(null), null, null) : null;
    }
}
