package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.VirtualMachine;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Lease of a VM as the planner wants it written (DESIGN §4.1). The edge writes {@code spec} from
 * these fields, the annotations {@code vmpools.dev/pool} and {@code vmpools.dev/user} from {@code pool}
 * and {@code user}, and an owner reference to the VM ({@code vmName}, {@code vmUid}).
 *
 * @param holderIdentity {@code <VmAssignment name>/<uid>}, or {@code ""} to release
 * @param acquireTime when the holder took the VM
 * @param renewTime the last use; the connect time while the console is connected; the release time
 * @param leaseDurationSeconds the retention left from {@code renewTime}, clamped to 1..2147483647;
 *     2147483647 while in use
 * @param leaseTransitions changes of holder so far, one more on every take by another holder
 * @param pool the holder's pool (kept on release: the last holder); null only where a released Lease had none
 * @param user the holder's user (kept on release: the last holder); null only where a released Lease had none
 * @param vmName the VM that owns the Lease
 * @param vmUid that VM's uid
 */
public record LeaseRecord(String holderIdentity, Instant acquireTime, Instant renewTime, int leaseDurationSeconds,
        int leaseTransitions, String pool, String user, String vmName, String vmUid) {

    public LeaseRecord {
        Objects.requireNonNull(holderIdentity, "holderIdentity");
        Objects.requireNonNull(acquireTime, "acquireTime");
        Objects.requireNonNull(renewTime, "renewTime");
        if (leaseDurationSeconds < 1) {
            throw new IllegalArgumentException("leaseDurationSeconds must be at least 1, got " + leaseDurationSeconds);
        }
        if (leaseTransitions < 0) {
            throw new IllegalArgumentException("leaseTransitions must not be negative, got " + leaseTransitions);
        }
        if (!holderIdentity.isEmpty()) {
            Checks.name(pool, "pool");
            Checks.name(user, "user");
        }
        Checks.name(vmName, "vmName");
        Checks.name(vmUid, "vmUid");
    }

    /** Whether the Lease as read already says exactly this. */
    boolean isWrittenIn(LeaseState lease) {
        return lease != null && holderIdentity.equals(lease.holderIdentity())
                && acquireTime.equals(lease.acquireTime()) && renewTime.equals(lease.renewTime())
                && Objects.equals(leaseDurationSeconds, lease.leaseDurationSeconds())
                && leaseTransitions == lease.leaseTransitions() && lease.names(pool, user)
                && vmUid.equals(lease.ownerUid());
    }

    /**
     * The Lease to create, or to update when {@code resourceVersion} is given (the one read: a changed
     * Lease fails with 409). The owner reference to the VM lets the garbage collector remove it with the VM.
     */
    public Lease toModel(String namespace, String name, Optional<String> resourceVersion) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (pool != null) {
            annotations.put(MetadataKeys.POOL_ANNOTATION, pool);
        }
        if (user != null) {
            annotations.put(MetadataKeys.USER_ANNOTATION, user);
        }
        return new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name)
                        .withResourceVersion(resourceVersion.orElse(null)).withAnnotations(annotations)
                        .withOwnerReferences(new OwnerReferenceBuilder()
                                .withApiVersion(VirtualMachine.GROUP + "/" + VirtualMachine.VERSION)
                                .withKind(VirtualMachine.KIND).withName(vmName).withUid(vmUid).build())
                        .build())
                .withNewSpec().withHolderIdentity(holderIdentity)
                .withAcquireTime(acquireTime.atZone(ZoneOffset.UTC)).withRenewTime(renewTime.atZone(ZoneOffset.UTC))
                .withLeaseDurationSeconds(leaseDurationSeconds).withLeaseTransitions(leaseTransitions).endSpec()
                .build();
    }
}
