package dev.vmpools.scheduler.leader;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The election Lease as fabric8's {@code LeaderElector} uses it, written the way the scheduler's RBAC allows:
 * read by name, created, and replaced (PUT) with the resourceVersion read, so a concurrent change fails with
 * 409. fabric8's own {@code LeaseLock} patches instead, which the Role {@code vmpools-scheduler-election}
 * (create; get and update of this one Lease) does not grant.
 */
final class ElectionLease implements Lock {
    private final String namespace;
    private final String name;
    private final String identity;
    private final AtomicReference<Lease> read = new AtomicReference<>();

    ElectionLease(String namespace, String name, String identity) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
        Lease lease = client.leases().inNamespace(namespace).withName(name).get();
        read.set(lease);
        if (lease == null) {
            return null;
        }
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        return new LeaderElectionRecord(spec.getHolderIdentity(),
                Duration.ofSeconds(spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds()),
                orEpoch(spec.getAcquireTime()), orEpoch(spec.getRenewTime()),
                spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions());
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord record) {
        client.leases().inNamespace(namespace).resource(toLease(record, null)).create();
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord record) {
        Lease base = read.get();
        if (base == null) {
            throw new IllegalStateException("election Lease " + namespace + "/" + name + " updated before it was read");
        }
        client.leases().inNamespace(namespace).resource(toLease(record, base.getMetadata().getResourceVersion()))
                .update();
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public String describe() {
        return "Lease " + namespace + "/" + name + " (" + identity + ")";
    }

    private Lease toLease(LeaderElectionRecord record, String resourceVersion) {
        return new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
                        .withResourceVersion(resourceVersion).build())
                .withNewSpec()
                .withHolderIdentity(record.getHolderIdentity())
                .withLeaseDurationSeconds((int) record.getLeaseDuration().toSeconds())
                .withAcquireTime(record.getAcquireTime())
                .withRenewTime(record.getRenewTime())
                .withLeaseTransitions(record.getLeaderTransitions())
                .endSpec()
                .build();
    }

    private static ZonedDateTime orEpoch(ZonedDateTime time) {
        return time != null ? time : Instant.EPOCH.atZone(ZoneOffset.UTC);
    }
}
