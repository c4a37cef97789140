package dev.vmpools.scheduler.cluster;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VirtualMachineStatus;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.names.LeaseNames;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Shared informers of VmPools, VMs ({@code vms}), Leases and VmAssignments in the pool namespaces (or every
 * namespace), indexed by the links of the pool–VM graph: VMs by the pools they list or are assigned from,
 * Leases by the pool they name, requests by pool and by the VM their status names. Every change is reported to
 * the listener as the graph nodes it touches, before and after; nothing here lists objects per reconcile.
 */
public final class ClusterCaches implements ClusterView, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterCaches.class.getName());

    static final String BY_POOL = "vmpools.dev/pool";
    static final String BY_VM = "vmpools.dev/vm";
    /** The key for every namespace. */
    private static final String ALL = "";

    private final Map<String, SharedIndexInformer<VmPool>> pools = new LinkedHashMap<>();
    private final Map<String, SharedIndexInformer<VirtualMachine>> vms = new LinkedHashMap<>();
    private final Map<String, SharedIndexInformer<Lease>> leases = new LinkedHashMap<>();
    private final Map<String, SharedIndexInformer<VmAssignment>> requests = new LinkedHashMap<>();

    private ClusterCaches() {
    }

    /**
     * Starts the informers without waiting for them to sync (see {@link #synced()}).
     *
     * @param namespaces the pool namespaces; empty for every namespace
     * @param changes told the nodes each change touches; called on the informers' thread, so it must not block
     */
    public static ClusterCaches start(KubernetesClient client, Set<String> namespaces,
            Consumer<Collection<GroupNode>> changes) {
        Objects.requireNonNull(changes, "changes");
        ClusterCaches caches = new ClusterCaches();
        List<String> scopes = namespaces.isEmpty() ? List.of(ALL) : namespaces.stream().sorted().toList();
        try {
            for (String namespace : scopes) {
                caches.pools.put(namespace, start(scoped(client.resources(VmPool.class), namespace), Map.of(),
                        ClusterCaches::nodesOfPool, changes, "VmPools", namespace));
                caches.vms.put(namespace, start(scoped(client.resources(VirtualMachine.class), namespace),
                        Map.of(BY_POOL, ClusterCaches::poolKeysOfVm), ClusterCaches::nodesOfVm, changes, "VMs",
                        namespace));
                caches.leases.put(namespace, start(scoped(client.leases(), namespace),
                        Map.of(BY_POOL, ClusterCaches::poolKeysOfLease), ClusterCaches::nodesOfLease, changes,
                        "Leases", namespace));
                caches.requests.put(namespace, start(scoped(client.resources(VmAssignment.class), namespace),
                        Map.of(BY_POOL, ClusterCaches::poolKeysOfRequest, BY_VM, ClusterCaches::vmKeysOfRequest),
                        ClusterCaches::nodesOfRequest, changes, "VmAssignments", namespace));
            }
        } catch (RuntimeException e) {
            caches.close();
            throw e;
        }
        return caches;
    }

    /** True once every informer has listed its objects. */
    public boolean synced() {
        return all().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Every node the caches know of: each pool (existing or named) and each VM, for a full resync. */
    public Set<GroupNode> nodes() {
        Set<GroupNode> nodes = new LinkedHashSet<>();
        pools.values().forEach(i -> i.getStore().list().forEach(p -> nodes.addAll(nodesOfPool(p))));
        vms.values().forEach(i -> i.getStore().list().forEach(v -> nodes.addAll(nodesOfVm(v))));
        requests.values().forEach(i -> i.getStore().list().forEach(r -> nodes.addAll(nodesOfRequest(r))));
        return nodes;
    }

    @Override
    public Optional<VmPool> pool(String namespace, String name) {
        return byKey(pools, namespace, name);
    }

    @Override
    public Optional<VirtualMachine> vm(String namespace, String name) {
        return byKey(vms, namespace, name);
    }

    @Override
    public Optional<Lease> lease(String namespace, String name) {
        return byKey(leases, namespace, name);
    }

    @Override
    public Optional<VmAssignment> request(String namespace, String name) {
        return byKey(requests, namespace, name);
    }

    /** Whether any VmAssignment of the namespace is cached. */
    public boolean hasRequests(String namespace) {
        SharedIndexInformer<VmAssignment> informer = informer(requests, namespace);
        return informer != null && !informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).isEmpty();
    }

    /** Every cached request, for gauges. */
    public java.util.stream.Stream<VmAssignment> allRequests() {
        return requests.values().stream().flatMap(i -> i.getStore().list().stream());
    }

    @Override
    public List<VirtualMachine> vmsLinkedTo(String namespace, String pool) {
        return byIndex(vms, namespace, BY_POOL, key(namespace, pool));
    }

    @Override
    public List<Lease> leasesNaming(String namespace, String pool) {
        return byIndex(leases, namespace, BY_POOL, key(namespace, pool));
    }

    @Override
    public List<VmAssignment> requestsFor(String namespace, String pool) {
        return byIndex(requests, namespace, BY_POOL, key(namespace, pool));
    }

    @Override
    public List<VmAssignment> requestsNaming(String namespace, String vm) {
        return byIndex(requests, namespace, BY_VM, key(namespace, vm));
    }

    @Override
    public void close() {
        all().forEach(SharedIndexInformer::stop);
    }

    // ---------------------------------------------------------------- the graph's links

    /** The VM that owns a Lease of ours: its owner reference, else the name after the prefix; empty for others. */
    public static Optional<String> vmOfLease(Lease lease) {
        String name = lease.getMetadata().getName();
        if (name == null || !name.startsWith(LeaseNames.PREFIX)) {
            return Optional.empty();
        }
        List<OwnerReference> owners = lease.getMetadata().getOwnerReferences();
        if (owners != null) {
            for (OwnerReference owner : owners) {
                if (VirtualMachine.KIND.equals(owner.getKind()) && owner.getName() != null) {
                    return Optional.of(owner.getName());
                }
            }
        }
        return Optional.of(name.substring(LeaseNames.PREFIX.length()));
    }

    static List<GroupNode> nodesOfPool(VmPool pool) {
        return List.of(GroupNode.pool(pool.getMetadata().getNamespace(), pool.getMetadata().getName()));
    }

    static List<GroupNode> nodesOfVm(VirtualMachine vm) {
        String namespace = vm.getMetadata().getNamespace();
        List<GroupNode> nodes = new ArrayList<>();
        nodes.add(GroupNode.vm(namespace, vm.getMetadata().getName()));
        linkedPools(vm).forEach(p -> nodes.add(GroupNode.pool(namespace, p)));
        return nodes;
    }

    static List<GroupNode> nodesOfLease(Lease lease) {
        Optional<String> vm = vmOfLease(lease);
        if (vm.isEmpty()) {
            return List.of();
        }
        String namespace = lease.getMetadata().getNamespace();
        List<GroupNode> nodes = new ArrayList<>();
        nodes.add(GroupNode.vm(namespace, vm.get()));
        poolOfLease(lease).ifPresent(p -> nodes.add(GroupNode.pool(namespace, p)));
        return nodes;
    }

    static List<GroupNode> nodesOfRequest(VmAssignment request) {
        String namespace = request.getMetadata().getNamespace();
        List<GroupNode> nodes = new ArrayList<>();
        if (request.getSpec() != null && notEmpty(request.getSpec().pool())) {
            nodes.add(GroupNode.pool(namespace, request.getSpec().pool()));
        }
        if (request.getStatus() != null && notEmpty(request.getStatus().vm())) {
            nodes.add(GroupNode.vm(namespace, request.getStatus().vm()));
        }
        return nodes;
    }

    /** The pools a VM links to: those it lists and the one of its assignment record. */
    static Set<String> linkedPools(VirtualMachine vm) {
        Set<String> pools = new LinkedHashSet<>();
        vm.pools().stream().filter(ClusterCaches::notEmpty).forEach(pools::add);
        Optional.ofNullable(vm.getStatus()).map(VirtualMachineStatus::assignment)
                .map(VirtualMachineStatus.Assignment::pool).filter(ClusterCaches::notEmpty).ifPresent(pools::add);
        return pools;
    }

    static Optional<String> poolOfLease(Lease lease) {
        Map<String, String> annotations = lease.getMetadata().getAnnotations();
        return Optional.ofNullable(annotations == null ? null : annotations.get(MetadataKeys.POOL_ANNOTATION))
                .filter(ClusterCaches::notEmpty);
    }

    private static List<String> poolKeysOfVm(VirtualMachine vm) {
        return linkedPools(vm).stream().map(p -> key(vm.getMetadata().getNamespace(), p)).toList();
    }

    private static List<String> poolKeysOfLease(Lease lease) {
        if (vmOfLease(lease).isEmpty()) {
            return List.of();
        }
        return poolOfLease(lease).map(p -> List.of(key(lease.getMetadata().getNamespace(), p))).orElse(List.of());
    }

    private static List<String> poolKeysOfRequest(VmAssignment request) {
        return request.getSpec() == null || !notEmpty(request.getSpec().pool())
                ? List.of()
                : List.of(key(request.getMetadata().getNamespace(), request.getSpec().pool()));
    }

    private static List<String> vmKeysOfRequest(VmAssignment request) {
        return request.getStatus() == null || !notEmpty(request.getStatus().vm())
                ? List.of()
                : List.of(key(request.getMetadata().getNamespace(), request.getStatus().vm()));
    }

    // ---------------------------------------------------------------- details

    private static boolean notEmpty(String text) {
        return text != null && !text.isEmpty();
    }

    /** Namespace names hold no {@code /}. */
    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private java.util.stream.Stream<SharedIndexInformer<?>> all() {
        return java.util.stream.Stream.of(pools, vms, leases, requests).flatMap(m -> m.values().stream());
    }

    private static <T> Optional<T> byKey(Map<String, SharedIndexInformer<T>> informers, String namespace,
            String name) {
        SharedIndexInformer<T> informer = informer(informers, namespace);
        return informer == null
                ? Optional.empty()
                : Optional.ofNullable(informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name)));
    }

    private static <T> List<T> byIndex(Map<String, SharedIndexInformer<T>> informers, String namespace, String index,
            String key) {
        SharedIndexInformer<T> informer = informer(informers, namespace);
        return informer == null ? List.of() : informer.getIndexer().byIndex(index, key);
    }

    private static <T> SharedIndexInformer<T> informer(Map<String, SharedIndexInformer<T>> informers,
            String namespace) {
        return informers.containsKey(ALL) ? informers.get(ALL) : informers.get(namespace);
    }

    private static <T extends HasMetadata> Informable<T> scoped(
            io.fabric8.kubernetes.client.dsl.MixedOperation<T, ?, ?> operation, String namespace) {
        return namespace.equals(ALL) ? operation.inAnyNamespace() : operation.inNamespace(namespace);
    }

    private static <T extends HasMetadata> SharedIndexInformer<T> start(Informable<T> informable,
            Map<String, Function<T, List<String>>> indexers, Function<T, List<GroupNode>> nodes,
            Consumer<Collection<GroupNode>> changes, String kind, String namespace) {
        SharedIndexInformer<T> informer = informable.runnableInformer(0).itemStore(new LeanItemStore<>());
        if (!indexers.isEmpty()) {
            informer.addIndexers(indexers);
        }
        String scope = namespace.equals(ALL) ? "every namespace" : "namespace " + namespace;
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T object) {
                changes.accept(nodes.apply(object));
            }

            @Override
            public void onUpdate(T before, T after) {
                Set<GroupNode> touched = new LinkedHashSet<>(nodes.apply(before));
                touched.addAll(nodes.apply(after));
                changes.accept(touched);
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                changes.accept(nodes.apply(object));
            }
        });
        // Keep trying: until the informers can list, the scheduler is not ready and plans nothing.
        informer.exceptionHandler((started, error) -> {
            LOG.log(Level.WARNING, "informer of " + kind + " in " + scope + " failed; retrying: " + error);
            return true;
        });
        informer.start().whenComplete((ignored, error) -> {
            if (error == null) {
                LOG.log(Level.INFO, () -> "cache of " + kind + " in " + scope + " synced");
            }
        });
        return informer;
    }
}
