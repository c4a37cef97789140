package dev.vmpools.scheduler.cluster;

import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VirtualMachineStatus;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.names.Dns1123;
import dev.vmpools.api.names.LeaseNames;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.assignment.LeaseState;
import dev.vmpools.scheduler.assignment.Observed;
import dev.vmpools.scheduler.assignment.PlanningGroups;
import dev.vmpools.scheduler.assignment.PoolState;
import dev.vmpools.scheduler.assignment.RequestState;
import dev.vmpools.scheduler.assignment.RequestStatus;
import dev.vmpools.scheduler.assignment.Snapshot;
import dev.vmpools.scheduler.assignment.VmState;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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
 * holds it (DESIGN §4.2), or a superset of it (see {@link GroupIndex}), with the objects as they were when it was
 * read. Its cost is the size of the group, not of the namespace. The links are those of {@link PlanningGroups}: a
 * VM to the pools it lists, to the pool of its assignment record and to the pool named on its Lease; a request to
 * its pool and to the VM its status names.
 *
 * @param namespace the namespace
 * @param component the nodes of the group (pools, existing or only named, and VMs) as the view gave them
 * @param pools the pools that exist, by name
 * @param vms the VMs that exist, by name
 * @param leases the Leases of those VMs ({@code vmpool.<vm-name>}), by name
 * @param requests the requests for the group's pools, by name
 * @param vmStates the planner's records of the VMs with their Leases, by VM name
 */
public record PlanningGroup(String namespace, GroupIndex.Component component, Map<String, VmPool> pools,
        Map<String, VirtualMachine> vms, Map<String, Lease> leases, Map<String, VmAssignment> requests,
        Map<String, VmState> vmStates) {

    public PlanningGroup {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(component, "component");
        pools = Collections.unmodifiableMap(pools);
        vms = Collections.unmodifiableMap(vms);
        leases = Collections.unmodifiableMap(leases);
        requests = Collections.unmodifiableMap(requests);
        vmStates = Collections.unmodifiableMap(vmStates);
    }

    /** Reads the group of {@code start} from the caches. */
    public static PlanningGroup of(ClusterView view, GroupNode start) {
        String namespace = start.namespace();
        GroupIndex.Component component = view.component(start);
        Map<String, VmPool> pools = new LinkedHashMap<>();
        Map<String, VirtualMachine> vms = new LinkedHashMap<>();
        Map<String, Lease> leases = new LinkedHashMap<>();
        Map<String, VmAssignment> requests = new LinkedHashMap<>();
        Map<String, VmState> vmStates = new LinkedHashMap<>();
        for (GroupNode node : component.nodes()) {
            if (!node.namespace().equals(namespace)) {
                continue;
            }
            if (node.kind() == GroupNode.Kind.POOL) {
                view.pool(namespace, node.name()).ifPresent(p -> pools.put(node.name(), p));
                view.requestsFor(namespace, node.name()).forEach(r -> requests.put(name(r), r));
            } else {
                Optional<VirtualMachine> vm = view.vm(namespace, node.name());
                if (vm.isPresent()) {
                    vms.put(node.name(), vm.get());
                    Optional<Lease> lease = view.lease(namespace, LeaseNames.forVm(node.name()));
                    lease.ifPresent(l -> leases.put(name(l), l));
                    vmStates.put(node.name(), view.vmState(vm.get(), lease));
                }
            }
        }
        return new PlanningGroup(namespace, component, pools, vms, leases, requests, vmStates);
    }

    /**
     * The connected component of {@code start}, found by walking the links of the objects in view; the default of
     * {@link ClusterView#component} where no index is kept.
     */
    static Set<GroupNode> walk(ClusterView view, GroupNode start) {
        String namespace = start.namespace();
        Set<GroupNode> nodes = new LinkedHashSet<>();
        Deque<GroupNode> queue = new ArrayDeque<>();
        queue.add(start);
        nodes.add(start);
        while (!queue.isEmpty()) {
            GroupNode node = queue.poll();
            List<GroupNode> next = new ArrayList<>();
            if (node.kind() == GroupNode.Kind.POOL) {
                String pool = node.name();
                view.vmsLinkedTo(namespace, pool).forEach(vm -> next.add(GroupNode.vm(namespace, name(vm))));
                for (Lease lease : view.leasesNaming(namespace, pool)) {
                    ClusterCaches.vmOfLease(lease).ifPresent(vm -> next.add(GroupNode.vm(namespace, vm)));
                }
                for (VmAssignment request : view.requestsFor(namespace, pool)) {
                    if (request.getStatus() != null && notEmpty(request.getStatus().vm())) {
                        next.add(GroupNode.vm(namespace, request.getStatus().vm()));
                    }
                }
            } else {
                String vmName = node.name();
                Optional<VirtualMachine> vm = view.vm(namespace, vmName);
                if (vm.isPresent()) {
                    ClusterCaches.linkedPools(vm.get()).forEach(p -> next.add(GroupNode.pool(namespace, p)));
                    view.lease(namespace, LeaseNames.forVm(vmName)).flatMap(ClusterCaches::poolOfLease)
                            .ifPresent(p -> next.add(GroupNode.pool(namespace, p)));
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
        return nodes;
    }

    /** The nodes of the group as the view gave them. */
    public Set<GroupNode> nodes() {
        return component.nodes();
    }

    /**
     * The planner's snapshots of this group: normally one; more where the component read holds several groups
     * (the caches changed while it was read, or links went away since the component was formed). Requests without
     * {@code spec.pool} (which the CRD requires) cannot be planned and are left out.
     */
    public List<Snapshot> snapshots(RetentionMode retentionMode) {
        List<PoolState> poolStates = pools.values().stream().map(p -> Observed.pool(p, retentionMode)).toList();
        List<RequestState> requestStates = requests.values().stream()
                .filter(r -> r.getSpec() != null && notEmpty(r.getSpec().pool()))
                .map(Observed::request).toList();
        return PlanningGroups.of(poolStates, vmStates.values(), requestStates).groups();
    }

    /**
     * The nodes of each snapshot, when they are not exactly this group's nodes in one part: what the view's
     * component should be split into (see {@link GroupIndex#split}); empty when the component is exact.
     */
    public Optional<List<Set<GroupNode>>> parts(List<Snapshot> snapshots) {
        List<Set<GroupNode>> parts = new ArrayList<>();
        int covered = 0;
        for (Snapshot snapshot : snapshots) {
            Set<GroupNode> part = new HashSet<>();
            snapshot.pools().forEach(p -> part.add(GroupNode.pool(namespace, p.name())));
            for (VmState vm : snapshot.vms()) {
                part.add(GroupNode.vm(namespace, vm.name()));
                vm.pools().forEach(p -> part.add(GroupNode.pool(namespace, p)));
                vm.assignmentRecord().map(VirtualMachineStatus.Assignment::pool).filter(PlanningGroup::notEmpty)
                        .ifPresent(p -> part.add(GroupNode.pool(namespace, p)));
                vm.lease().map(LeaseState::pool).filter(PlanningGroup::notEmpty)
                        .ifPresent(p -> part.add(GroupNode.pool(namespace, p)));
            }
            for (RequestState request : snapshot.requests()) {
                part.add(GroupNode.pool(namespace, request.pool()));
                request.status().map(RequestStatus::vm).filter(PlanningGroup::notEmpty)
                        .ifPresent(vm -> part.add(GroupNode.vm(namespace, vm)));
            }
            covered += part.size();
            parts.add(part);
        }
        boolean exact = parts.size() == 1 && covered == nodes().size() && nodes().containsAll(parts.get(0));
        return exact ? Optional.empty() : Optional.of(parts);
    }

    /** A node of the group that stands for it in logs and wake-ups: its first pool, else its first VM. */
    public GroupNode representative() {
        return nodes().stream().min((a, b) -> {
            int kind = a.kind().compareTo(b.kind());
            return kind != 0 ? kind : a.name().compareTo(b.name());
        }).orElseThrow();
    }

    /** Whether the group has anything to plan. */
    public boolean isEmpty() {
        return pools.isEmpty() && vms.isEmpty() && requests.isEmpty();
    }

    /** Whether the object belongs to the group: one it read, or the Lease of one of its VMs. */
    public boolean holds(ObjectKey key) {
        if (!key.namespace().equals(namespace)) {
            return false;
        }
        return switch (key.kind()) {
            case POOL -> pools.containsKey(key.name());
            case VM -> vms.containsKey(key.name());
            case REQUEST -> requests.containsKey(key.name());
            case LEASE -> leases.containsKey(key.name()) || leaseOfAVm(key.name());
        };
    }

    private boolean leaseOfAVm(String lease) {
        if (!lease.startsWith(LeaseNames.PREFIX)) {
            return false;
        }
        if (vms.containsKey(lease.substring(LeaseNames.PREFIX.length()))) {
            return true;
        }
        // Lease names of VMs with the longest names are shortened with a hash.
        return vms.keySet().stream().filter(vm -> LeaseNames.PREFIX.length() + vm.length() > Dns1123.MAX_SUBDOMAIN_LENGTH)
                .anyMatch(vm -> LeaseNames.forVm(vm).equals(lease));
    }

    /** Every object of the group, Leases of its VMs included (existing or not). */
    public List<ObjectKey> objectKeys() {
        List<ObjectKey> keys = new ArrayList<>();
        pools.keySet().forEach(p -> keys.add(new ObjectKey(ObjectKey.Kind.POOL, namespace, p)));
        vms.keySet().forEach(v -> {
            keys.add(new ObjectKey(ObjectKey.Kind.VM, namespace, v));
            keys.add(new ObjectKey(ObjectKey.Kind.LEASE, namespace, LeaseNames.forVm(v)));
        });
        requests.keySet().forEach(r -> keys.add(new ObjectKey(ObjectKey.Kind.REQUEST, namespace, r)));
        return keys;
    }

    /** The version of an object as this group read it; empty for one it did not hold. */
    public Optional<String> versionOf(ObjectKey key) {
        if (!key.namespace().equals(namespace)) {
            return Optional.empty();
        }
        io.fabric8.kubernetes.api.model.HasMetadata object = switch (key.kind()) {
            case POOL -> pools.get(key.name());
            case VM -> vms.get(key.name());
            case REQUEST -> requests.get(key.name());
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
