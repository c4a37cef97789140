package dev.vmpools.scheduler.cluster;

import dev.vmpools.api.VirtualMachine;
import dev.vmpools.scheduler.assignment.Observed;
import dev.vmpools.scheduler.assignment.VmState;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The planner's view of each cached VM with its Lease, made again only when either changed. The informers
 * replace an object on every change and never alter one they hold, so the identity of the two objects tells
 * whether the view read last is still right: a plan over a pool of 10,000 VMs reads one or two VMs afresh
 * instead of parsing all of them.
 */
public final class VmStates {
    private record Seen(VirtualMachine vm, Lease lease, VmState state) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /** The view of {@code vm} in {@code namespace} with its Lease, or null when it has none. */
    public VmState of(String namespace, VirtualMachine vm, Lease lease) {
        String key = namespace + "/" + vm.getMetadata().getName();
        Seen last = seen.get(key);
        if (last != null && last.vm() == vm && last.lease() == lease) {
            return last.state();
        }
        VmState state = Observed.vm(vm, Optional.ofNullable(lease));
        seen.put(key, new Seen(vm, lease, state));
        return state;
    }

    /** Drops the view of a VM that no longer exists. */
    public void forget(String namespace, String vm) {
        seen.remove(namespace + "/" + vm);
    }

    /** How many VMs are remembered. */
    public int size() {
        return seen.size();
    }
}
