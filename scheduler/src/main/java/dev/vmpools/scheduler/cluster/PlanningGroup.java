package dev.vmpools.scheduler.cluster;

import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.names.LeaseNames;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.assignment.LeaseState;
import dev.vmpools.scheduler.assignment.Observed;
import dev.vmpools.scheduler.assignment.PlanningGroups;
import dev.vmpools.scheduler.assignment.PoolState;
import dev.vmpools.scheduler.assignment.RequestState;
import dev.vmpools.scheduler.assignment.Snapshot;
import dev.vmpools.scheduler.assignment.VmState;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The planning group of one node, read from the caches: the connected component of the pool–VM graph that
 * holds it (DESIGN §4.2), with the objects as they were when it was read. Its cost is the size of the group,
 * not of the namespace. The links are those of {@link PlanningGroups}: a VM to the pools it lists, to the pool
 * of its assignment record and to the pool named on its Lease; a request to its pool and to the VM its status
 * names.
 *
 * @param namespace the namespace
 * @param nodes every node of the component (pools, existing or only named, and VMs)
 * @param pools the pools that exist
 * @param vms the VMs that exist, by name
 * @param leases the Leases of those VMs ({@code vmpool.<vm-name>}), by name
 * @param requests the requests for the group's pools
 */
public record PlanningGroup(String namespace, Set<GroupNode> nodes, List<VmPool> pools,
        Map<String, VirtualMachine> vms, Map<String, Lease> leases, List<VmAssignment> requests) {

    public PlanningGroup {
        Objects.requireNonNull(namespace, "namespace");
        nodes = Set.copyOf(nodes);
        pools = List.copyOf(pools);
        vms = Collections.unmodifiableMap(new LinkedHashMap<>(vms));
        leases = Map.copyOf(leases);
        requests = List.copyOf(requests);
    }

    /** Reads the component of {@code start} from the caches. */
    public static PlanningGroup of(ClusterView view, GroupNode start) {
        String namespace = start.namespace();
        Set<GroupNode> nodes = new LinkedHashSet<>();
        Map<String, VmPool> pools = new LinkedHashMap<>();
        Map<String, VirtualMachine> vms = new LinkedHashMap<>();
        Map<String, Lease> leases = new LinkedHashMap<>();
        Map<String, VmAssignment> requests = new LinkedHashMap<>();
        Map<String, VirtualMachine> linked = new HashMap<>();
        Deque<GroupNode> queue = new ArrayDeque<>();
        queue.add(start);
        nodes.add(start);
        while (!queue.isEmpty()) {
            GroupNode node = queue.poll();
            List<GroupNode> next = new ArrayList<>();
            if (node.kind() == GroupNode.Kind.POOL) {
                String pool = node.name();
                view.pool(namespace, pool).ifPresent(p -> pools.put(pool, p));
                for (VirtualMachine vm : view.vmsLinkedTo(namespace, pool)) {
                    // Read from the index already: the VM's node need not look it up again.
                    linked.put(name(vm), vm);
                    next.add(GroupNode.vm(namespace, name(vm)));
                }
                for (Lease lease : view.leasesNaming(namespace, pool)) {
                    ClusterCaches.vmOfLease(lease).ifPresent(vm -> next.add(GroupNode.vm(namespace, vm)));
                }
                for (VmAssignment request : view.requestsFor(namespace, pool)) {
                    requests.put(name(request), request);
                    if (request.getStatus() != null && notEmpty(request.getStatus().vm())) {
                        next.add(GroupNode.vm(namespace, request.getStatus().vm()));
                    }
                }
            } else {
                String vmName = node.name();
                VirtualMachine read = linked.remove(vmName);
                Optional<VirtualMachine> vm = read != null ? Optional.of(read) : view.vm(namespace, vmName);
                if (vm.isPresent()) {
                    vms.put(vmName, vm.get());
                    ClusterCaches.linkedPools(vm.get()).forEach(p -> next.add(GroupNode.pool(namespace, p)));
                    Optional<Lease> lease = view.lease(namespace, LeaseNames.forVm(vmName));
                    lease.ifPresent(l -> {
                        leases.put(name(l), l);
                        ClusterCaches.poolOfLease(l).ifPresent(p -> next.add(GroupNode.pool(namespace, p)));
                    });
                }
                for (VmAssignment request : view.requestsNaming(namespace, vmName)) {
                    if (request.getSpec() != null && notEmpty(request.getSpec().pool())) {
                        next.add(GroupNode.pool(namespace, request.getSpec().pool()));
                    }
                }
            }
            for (GroupNode n : next) {
                if (nodes.add(n)) {
                    queue.add(n);
                }
            }
        }
        return new PlanningGroup(namespace, nodes, new ArrayList<>(pools.values()), vms, leases,
                new ArrayList<>(requests.values()));
    }

    /**
     * The planner's snapshots of this group: normally one; more only where the caches changed while the group
     * was read (each is still a whole group of what was read). Requests without {@code spec.pool} (which the
     * CRD requires) cannot be planned and are left out.
     */
    public List<Snapshot> snapshots(RetentionMode retentionMode) {
        return snapshots(retentionMode, new VmStates());
    }

    /** As {@link #snapshots(RetentionMode)}, with the VMs' views from {@code memo} (which forgets deleted VMs). */
    public List<Snapshot> snapshots(RetentionMode retentionMode, VmStates memo) {
        List<PoolState> poolStates = pools.stream().map(p -> Observed.pool(p, retentionMode)).toList();
        List<VmState> vmStates = new ArrayList<>(vms.size());
        for (VirtualMachine vm : vms.values()) {
            vmStates.add(memo.of(namespace, vm, leases.get(LeaseNames.forVm(name(vm)))));
        }
        for (GroupNode node : nodes) {
            if (node.kind() == GroupNode.Kind.VM && !vms.containsKey(node.name())) {
                memo.forget(namespace, node.name());
            }
        }
        List<RequestState> requestStates = requests.stream()
                .filter(r -> r.getSpec() != null && notEmpty(r.getSpec().pool()))
                .map(Observed::request).toList();
        Optional<String> onlyPool = onlyPool(poolStates, vmStates, requestStates);
        if (onlyPool.isPresent()) {
            return List.of(new Snapshot(onlyPool.get(), poolStates, vmStates, requestStates));
        }
        return PlanningGroups.of(poolStates, vmStates, requestStates).groups();
    }

    /**
     * The pool, when everything read links to that one pool and each VM to it: then the group cannot fall
     * apart and needs no search for its components (the common case: a pool whose VMs are its own).
     */
    private static Optional<String> onlyPool(List<PoolState> pools, List<VmState> vms, List<RequestState> requests) {
        Set<String> named = new HashSet<>();
        pools.forEach(p -> named.add(p.name()));
        requests.forEach(r -> named.add(r.pool()));
        for (VmState vm : vms) {
            if (vm.pools().isEmpty()) {
                return Optional.empty();
            }
            named.addAll(vm.pools());
            vm.assignment().ifPresent(a -> named.add(a.pool()));
            vm.lease().map(LeaseState::pool).ifPresent(named::add);
            if (named.size() > 1) {
                return Optional.empty();
            }
        }
        return named.size() == 1 ? Optional.of(named.iterator().next()) : Optional.empty();
    }

    /** A node of the group that stands for it in logs and wake-ups: its first pool, else its first VM. */
    public GroupNode representative() {
        return nodes.stream().min((a, b) -> {
            int kind = a.kind().compareTo(b.kind());
            return kind != 0 ? kind : a.name().compareTo(b.name());
        }).orElseThrow();
    }

    /** Whether the group has anything to plan. */
    public boolean isEmpty() {
        return pools.isEmpty() && vms.isEmpty() && requests.isEmpty();
    }

    /** Every object of the group, Leases of its VMs included (existing or not). */
    public List<ObjectKey> objectKeys() {
        List<ObjectKey> keys = new ArrayList<>();
        pools.forEach(p -> keys.add(new ObjectKey(ObjectKey.Kind.POOL, namespace, name(p))));
        vms.keySet().forEach(v -> {
            keys.add(new ObjectKey(ObjectKey.Kind.VM, namespace, v));
            keys.add(new ObjectKey(ObjectKey.Kind.LEASE, namespace, LeaseNames.forVm(v)));
        });
        requests.forEach(r -> keys.add(new ObjectKey(ObjectKey.Kind.REQUEST, namespace, name(r))));
        return keys;
    }

    /** The version of an object as this group read it; empty for one it did not hold. */
    public Optional<String> versionOf(ObjectKey key) {
        if (!key.namespace().equals(namespace)) {
            return Optional.empty();
        }
        io.fabric8.kubernetes.api.model.HasMetadata object = switch (key.kind()) {
            case POOL -> pools.stream().filter(p -> key.name().equals(name(p))).findFirst().orElse(null);
            case VM -> vms.get(key.name());
            case REQUEST -> requests.stream().filter(r -> key.name().equals(name(r))).findFirst().orElse(null);
            case LEASE -> leases.get(key.name());
        };
        return Optional.ofNullable(object).map(o -> o.getMetadata().getResourceVersion());
    }

    private static String name(io.fabric8.kubernetes.api.model.HasMetadata object) {
        return object.getMetadata().getName();
    }

    private static boolean notEmpty(String text) {
        return text != null && !text.isEmpty();
    }
}
