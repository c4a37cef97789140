package dev.vmpools.api.election;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;

/**
 * fabric8's {@link Lock} on a Lease, writing with {@code update} (PUT) where fabric8 8's own
 * {@code LeaseLock} writes with a JSON merge {@code patch}: the components' RBAC grants get and update on
 * their election Leases ({@code vmpools-certs}, {@code vmpools-scheduler}), not patch. Optimistic like fabric8's: an update carries the
 * resourceVersion of the Lease last read or created, so a concurrent writer makes it fail with 409, which
 * the elector treats as losing the race.
 */
public final class LeaseUpdateLock implements Lock {

    private final String namespace;
    private final String name;
    private final String identity;
    private Lease read;

    public LeaseUpdateLock(String namespace, String name, String identity) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    @Override
    public synchronized LeaderElectionRecord get(KubernetesClient client) {
        read = client.leases().inNamespace(namespace).withName(name).get();
        if (read == null || read.getSpec() == null) {
            return null;
        }
        var spec = read.getSpec();
        return new LeaderElectionRecord(spec.getHolderIdentity(),
                Duration.ofSeconds(Optional.ofNullable(spec.getLeaseDurationSeconds()).orElse(0)),
                spec.getAcquireTime(), spec.getRenewTime(), Optional.ofNullable(spec.getLeaseTransitions()).orElse(0));
    }

    @Override
    public synchronized void create(KubernetesClient client, LeaderElectionRecord record) {
        var lease = new LeaseBuilder()
                .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(name)
                    .addToLabels("app.kubernetes.io/part-of", "vmpools")
                .endMetadata()
                .withNewSpec().endSpec()
                .build();
        read = client.leases().inNamespace(namespace).resource(withRecord(lease, record)).create();
    }

    @Override
    public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
        Objects.requireNonNull(read, "get or create must be called first");
        read = client.leases().inNamespace(namespace).resource(withRecord(new LeaseBuilder(read).build(), record)).update();
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public String describe() {
        return "Lease " + namespace + "/" + name + " (" + identity + ")";
    }

    private static Lease withRecord(Lease lease, LeaderElectionRecord record) {
        var spec = lease.getSpec();
        spec.setHolderIdentity(record.getHolderIdentity());
        spec.setLeaseDurationSeconds(Math.toIntExact(record.getLeaseDuration().toSeconds()));
        spec.setAcquireTime(record.getAcquireTime());
        spec.setRenewTime(record.getRenewTime());
        spec.setLeaseTransitions(record.getLeaderTransitions());
        return lease;
    }
}
