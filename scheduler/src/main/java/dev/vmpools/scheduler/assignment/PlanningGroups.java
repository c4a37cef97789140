package dev.vmpools.scheduler.assignment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The planning groups of one namespace (DESIGN §4.2): the connected components of the graph whose nodes
 * are pool names and VMs. A VM is linked to every pool it lists, to the pool of its
 * {@code status.assignment} and to the pool named on its Lease (so that a VM that left a pool is still
 * planned with the requests that hold it); a request is linked to its pool and to the VM its status
 * names. Planning is serial within a group, so a freed VM goes to the group's earliest waiting request.
 * Cheap to recompute from the informer caches whenever they change.
 */
public final class PlanningGroups {
    private final List<Snapshot> groups;
    private final Map<String, Snapshot> byPool = new HashMap<>();
    private final Map<String, Snapshot> byVm = new HashMap<>();
    private final Map<String, Snapshot> byRequest = new HashMap<>();

    private PlanningGroups(List<Snapshot> groups) {
        this.groups = List.copyOf(groups);
        for (Snapshot group : groups) {
            group.pools().forEach(p -> byPool.put(p.name(), group));
            group.requests().forEach(r -> {
                byPool.putIfAbsent(r.pool(), group);
                byRequest.put(r.name(), group);
            });
            group.vms().forEach(v -> {
                byVm.put(v.name(), group);
                v.pools().forEach(p -> byPool.putIfAbsent(p, group));
            });
        }
    }

    /** Splits the objects of one namespace into planning groups, ordered by key. */
    public static PlanningGroups of(Collection<PoolState> pools, Collection<VmState> vms,
            Collection<RequestState> requests) {
        Components components = new Components();
        for (PoolState pool : pools) {
            components.add(pool(pool.name()));
        }
        for (VmState vm : vms) {
            String node = vm(vm.name());
            components.add(node);
            vm.pools().forEach(p -> components.link(node, pool(p)));
            vm.assignment().ifPresent(a -> components.link(node, pool(a.pool())));
            vm.lease().map(LeaseState::pool).ifPresent(p -> components.link(node, pool(p)));
        }
        for (RequestState request : requests) {
            components.add(pool(request.pool()));
            request.status().map(RequestStatus::vm).filter(vm -> !vm.isEmpty())
                    .ifPresent(vm -> components.link(pool(request.pool()), vm(vm)));
        }

        Map<String, List<PoolState>> poolsOf = new HashMap<>();
        Map<String, List<VmState>> vmsOf = new HashMap<>();
        Map<String, List<RequestState>> requestsOf = new HashMap<>();
        Map<String, String> keys = new TreeMap<>();
        for (PoolState pool : pools) {
            poolsOf.computeIfAbsent(components.root(pool(pool.name())), r -> new ArrayList<>()).add(pool);
        }
        for (VmState vm : vms) {
            vmsOf.computeIfAbsent(components.root(vm(vm.name())), r -> new ArrayList<>()).add(vm);
        }
        for (RequestState request : requests) {
            requestsOf.computeIfAbsent(components.root(pool(request.pool())), r -> new ArrayList<>()).add(request);
        }
        for (String node : components.nodes()) {
            // Pools name the group before VMs ("pool:" sorts before "vm:").
            keys.merge(components.root(node), node, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        List<Snapshot> groups = new ArrayList<>();
        for (Map.Entry<String, String> entry : keys.entrySet()) {
            String root = entry.getKey();
            List<PoolState> groupPools = poolsOf.getOrDefault(root, List.of());
            List<VmState> groupVms = vmsOf.getOrDefault(root, List.of());
            List<RequestState> groupRequests = requestsOf.getOrDefault(root, List.of());
            if (groupPools.isEmpty() && groupVms.isEmpty() && groupRequests.isEmpty()) {
                continue;
            }
            String node = entry.getValue();
            groups.add(new Snapshot(node.substring(node.indexOf(':') + 1), groupPools, groupVms, groupRequests));
        }
        groups.sort((a, b) -> a.key().compareTo(b.key()));
        return new PlanningGroups(groups);
    }

    /** All groups, ordered by key. */
    public List<Snapshot> groups() {
        return groups;
    }

    /** The group a pool name (existing or only named) belongs to. */
    public Optional<Snapshot> ofPool(String pool) {
        return Optional.ofNullable(byPool.get(pool));
    }

    /** The group of a VM. */
    public Optional<Snapshot> ofVm(String vm) {
        return Optional.ofNullable(byVm.get(vm));
    }

    /** The group of a request. */
    public Optional<Snapshot> ofRequest(String request) {
        return Optional.ofNullable(byRequest.get(request));
    }

    private static String pool(String name) {
        return "pool:" + name;
    }

    private static String vm(String name) {
        return "vm:" + name;
    }

    /** Union-find over node names. */
    private static final class Components {
        private final Map<String, String> parent = new HashMap<>();

        void add(String node) {
            parent.putIfAbsent(node, node);
        }

        void link(String a, String b) {
            add(a);
            add(b);
            String rootA = root(a);
            String rootB = root(b);
            if (!rootA.equals(rootB)) {
                parent.put(rootA, rootB);
            }
        }

        String root(String node) {
            String root = node;
            while (!parent.get(root).equals(root)) {
                root = parent.get(root);
            }
            String current = node;
            while (!current.equals(root)) {
                String next = parent.get(current);
                parent.put(current, root);
                current = next;
            }
            return root;
        }

        Collection<String> nodes() {
            return new ArrayList<>(parent.keySet());
        }
    }
}
