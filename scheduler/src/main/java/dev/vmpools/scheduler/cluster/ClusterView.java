package dev.vmpools.scheduler.cluster;

import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.util.List;
import java.util.Optional;

/**
 * What the scheduler knows of the cluster: the informer caches, looked up by name and by the links of the
 * pool–VM graph. Objects returned are the caches' own: never modify them.
 */
public interface ClusterView {

    Optional<VmPool> pool(String namespace, String name);

    Optional<VirtualMachine> vm(String namespace, String name);

    Optional<Lease> lease(String namespace, String name);

    Optional<VmAssignment> request(String namespace, String name);

    /** VMs that list the pool in {@code spec.pools} or name it in {@code status.assignment}. */
    List<VirtualMachine> vmsLinkedTo(String namespace, String pool);

    /** Leases whose annotation {@code vmpools.dev/pool} names the pool. */
    List<Lease> leasesNaming(String namespace, String pool);

    /** Requests for the pool ({@code spec.pool}). */
    List<VmAssignment> requestsFor(String namespace, String pool);

    /** Requests whose status names the VM. */
    List<VmAssignment> requestsNaming(String namespace, String vm);

    /** The version held of an object, empty when none is held. */
    default Optional<String> versionOf(ObjectKey key) {
        Optional<? extends HasMetadata> object = switch (key.kind()) {
            case POOL -> pool(key.namespace(), key.name());
            case VM -> vm(key.namespace(), key.name());
            case LEASE -> lease(key.namespace(), key.name());
            case REQUEST -> request(key.namespace(), key.name());
        };
        return object.map(o -> o.getMetadata().getResourceVersion());
    }
}
