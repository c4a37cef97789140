package dev.vmpools.scheduler.cluster;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VirtualMachineSpec;
import dev.vmpools.api.VirtualMachineStatus;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmAssignmentStatus;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.names.LeaseNames;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Informer caches in memory, for tests of what reads them: objects as an API server returns them (uid,
 * resourceVersion, creationTimestamp set), looked up by scanning.
 */
public final class InMemoryCluster implements ClusterView {
    public static final String NS = "vmop-dev";

    private final Map<String, VmPool> pools = new TreeMap<>();
    private final Map<String, VirtualMachine> vms = new TreeMap<>();
    private final Map<String, Lease> leases = new TreeMap<>();
    private final Map<String, VmAssignment> requests = new TreeMap<>();
    private long revision = 100;

    public VmPool addPool(String name, String retention) {
        VmPool pool = new VmPool();
        pool.setMetadata(meta(name));
        pool.getMetadata().setGeneration(1L);
        pool.setSpec(new VmPoolSpec(retention, false, List.of(new PoolGrantSpec(null, "user", List.of("accessConsole")))));
        pools.put(name, pool);
        return pool;
    }

    public VirtualMachine addVm(String name, String... poolNames) {
        VirtualMachine vm = new VirtualMachine();
        vm.setMetadata(meta(name));
        vm.setSpec(new VirtualMachineSpec(List.of(poolNames), new VirtualMachineSpec.Vm("Stopped")));
        vms.put(name, vm);
        return vm;
    }

    /**
     * Sets the VM's {@code status.assignment} as VM-Operator writes it. Like an informer, the cache then holds a
     * new object; the one read before stays as it was.
     */
    public void record(String vm, String pool, String user) {
        VirtualMachine before = vms.get(vm);
        VirtualMachine v = new VirtualMachine();
        v.setMetadata(new ObjectMetaBuilder(before.getMetadata()).build());
        v.setSpec(before.getSpec());
        v.setStatus(new VirtualMachineStatus(new VirtualMachineStatus.Assignment(pool, user, "2025-03-01T10:00:00.000Z"),
                null, List.of()));
        bump(v);
        vms.put(vm, v);
    }

    /** A released Lease of the VM whose annotations name {@code pool} and {@code user}. */
    public Lease addLease(String vm, String pool, String user) {
        Lease lease = new LeaseBuilder().withMetadata(meta(LeaseNames.forVm(vm)))
                .editMetadata().withAnnotations(Map.of(MetadataKeys.POOL_ANNOTATION, pool,
                        MetadataKeys.USER_ANNOTATION, user))
                .withOwnerReferences(new OwnerReferenceBuilder().withKind(VirtualMachine.KIND).withName(vm)
                        .withUid(vms.get(vm).getMetadata().getUid()).build()).endMetadata()
                .withNewSpec().withHolderIdentity("").withLeaseTransitions(1).endSpec().build();
        leases.put(lease.getMetadata().getName(), lease);
        return lease;
    }

    public VmAssignment addRequest(String name, String pool, String user) {
        VmAssignment request = new VmAssignment();
        request.setMetadata(meta(name));
        request.getMetadata().setGeneration(1L);
        request.setSpec(new VmAssignmentSpec(pool, user));
        requests.put(name, request);
        return request;
    }

    /** Gives the request the status of an assignment of the VM (as an earlier plan wrote it). */
    public void statusNames(String request, String vm) {
        VmAssignment r = requests.get(request);
        r.setStatus(new VmAssignmentStatus(vm, LeaseNames.forVm(vm), 0, null, null, null, 1L, List.of(
                new ConditionBuilder().withType("Assigned").withStatus("True").withReason("Assigned")
                        .withMessage("").withLastTransitionTime("2025-03-01T10:00:00Z").build())));
        bump(r);
    }

    public void deleteVm(String name) {
        vms.remove(name);
    }

    public void bump(HasMetadata object) {
        object.getMetadata().setResourceVersion(Long.toString(++revision));
    }

    private ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withNamespace(NS).withName(name).withUid("uid-" + name)
                .withResourceVersion(Long.toString(++revision))
                .withCreationTimestamp(Instant.parse("2025-03-01T10:00:00Z").plusSeconds(revision).toString()).build();
    }

    // ---------------------------------------------------------------- ClusterView

    @Override
    public Optional<VmPool> pool(String namespace, String name) {
        return Optional.ofNullable(pools.get(name));
    }

    @Override
    public Optional<VirtualMachine> vm(String namespace, String name) {
        return Optional.ofNullable(vms.get(name));
    }

    @Override
    public Optional<Lease> lease(String namespace, String name) {
        return Optional.ofNullable(leases.get(name));
    }

    @Override
    public Optional<VmAssignment> request(String namespace, String name) {
        return Optional.ofNullable(requests.get(name));
    }

    @Override
    public List<VirtualMachine> vmsLinkedTo(String namespace, String pool) {
        return filter(vms, vm -> ClusterCaches.linkedPools(vm).contains(pool));
    }

    @Override
    public List<Lease> leasesNaming(String namespace, String pool) {
        return filter(leases, lease -> ClusterCaches.poolOfLease(lease).filter(pool::equals).isPresent());
    }

    @Override
    public List<VmAssignment> requestsFor(String namespace, String pool) {
        return filter(requests, r -> pool.equals(r.getSpec().pool()));
    }

    @Override
    public List<VmAssignment> requestsNaming(String namespace, String vm) {
        return filter(requests, r -> r.getStatus() != null && vm.equals(r.getStatus().vm()));
    }

    private static <T> List<T> filter(Map<String, T> objects, Predicate<T> test) {
        return objects.values().stream().filter(test).toList();
    }
}
