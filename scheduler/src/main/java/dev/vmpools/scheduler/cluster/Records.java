package dev.vmpools.scheduler.cluster;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VirtualMachineStatus;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.api.permission.PoolPermissions;
import dev.vmpools.api.retention.Retention;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.assignment.Console;
import dev.vmpools.scheduler.assignment.LeaseState;
import dev.vmpools.scheduler.assignment.PoolState;
import dev.vmpools.scheduler.assignment.PoolStatus;
import dev.vmpools.scheduler.assignment.RequestState;
import dev.vmpools.scheduler.assignment.RequestStatus;
import dev.vmpools.scheduler.assignment.VmState;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns cached Kubernetes objects into the planner's records. Pure: whatever an object holds, the answer is a
 * record or empty (an object the planner cannot use, such as a request without {@code spec.pool}), never an
 * exception.
 */
public final class Records {
    private final RetentionMode retentionMode;

    public Records(RetentionMode retentionMode) {
        this.retentionMode = retentionMode;
    }

    public PoolState pool(VmPool pool) {
        ObjectMeta meta = pool.getMetadata();
        VmPoolSpec spec = pool.getSpec() == null ? new VmPoolSpec(null, null, null) : pool.getSpec();
        return new PoolState(meta.getName(), meta.getUid() == null ? "" : meta.getUid(),
                meta.getGeneration() == null ? 0 : meta.getGeneration(),
                Retention.parse(spec.retentionOrDefault(), retentionMode),
                PoolPermissions.read(spec.grants()).permissions(), PoolStatus.fromModel(pool.getStatus()));
    }

    /** The VM with its Lease ({@code vmpool.<vm-name>}), if there is one. */
    public VmState vm(VirtualMachine vm, Optional<Lease> lease) {
        ObjectMeta meta = vm.getMetadata();
        VirtualMachineStatus status = vm.getStatus();
        boolean running = vm.condition(ConditionTypes.RUNNING).map(c -> ConditionTypes.TRUE.equals(c.getStatus()))
                .orElse(false);
        return new VmState(meta.getName(), meta.getUid(), meta.getResourceVersion(), vm.pools(), vm.desiredState(),
                running, console(vm), status != null,
                Optional.ofNullable(status).map(VirtualMachineStatus::assignment), lease.flatMap(Records::lease));
    }

    /** A Lease's state; empty for one without a resourceVersion (never the case for what a server returned). */
    public static Optional<LeaseState> lease(Lease lease) {
        ObjectMeta meta = lease.getMetadata();
        if (meta.getResourceVersion() == null || meta.getResourceVersion().isEmpty()) {
            return Optional.empty();
        }
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        String ownerUid = null;
        if (meta.getOwnerReferences() != null) {
            ownerUid = meta.getOwnerReferences().stream().filter(o -> VirtualMachine.KIND.equals(o.getKind()))
                    .map(OwnerReference::getUid).findFirst().orElse(null);
        }
        Integer transitions = spec.getLeaseTransitions();
        return Optional.of(new LeaseState(meta.getResourceVersion(), spec.getHolderIdentity(),
                instant(spec.getAcquireTime()), instant(spec.getRenewTime()), spec.getLeaseDurationSeconds(),
                transitions == null || transitions < 0 ? 0 : transitions,
                annotations.get(MetadataKeys.POOL_ANNOTATION), annotations.get(MetadataKeys.USER_ANNOTATION),
                ownerUid));
    }

    /** The request; empty when it names no pool (the CRD requires one, so only a hand-made object lacks it). */
    public Optional<RequestState> request(VmAssignment request) {
        ObjectMeta meta = request.getMetadata();
        if (request.getSpec() == null || request.getSpec().pool() == null || request.getSpec().pool().isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        GrantedBy grantedBy = GrantedBy.parse(annotations.get(MetadataKeys.GRANTED_BY_ANNOTATION))
                .orElse(GrantedBy.bypass());
        return Optional.of(new RequestState(meta.getName(), meta.getUid(), meta.getResourceVersion(),
                meta.getGeneration() == null ? 0 : meta.getGeneration(), timestamp(meta.getCreationTimestamp()),
                Optional.ofNullable(meta.getDeletionTimestamp()).map(Records::timestamp), request.getSpec().pool(),
                request.getSpec().user(), grantedBy, meta.getFinalizers() == null ? List.of() : meta.getFinalizers(),
                meta.getLabels() == null ? Map.of() : meta.getLabels(), annotations,
                RequestStatus.fromModel(request.getStatus())));
    }

    /** {@code ConsoleConnected} and {@code status.consoleUser} as VM-Operator's runner writes them. */
    static Console console(VirtualMachine vm) {
        Optional<Condition> condition = vm.condition(ConditionTypes.CONSOLE_CONNECTED);
        String user = vm.consoleUser().filter(u -> !u.isEmpty()).orElse(null);
        if (condition.isEmpty()) {
            return user == null ? Console.NONE : new Console(false, null, user);
        }
        boolean connected = ConditionTypes.TRUE.equals(condition.get().getStatus());
        return new Console(connected, optionalTimestamp(condition.get().getLastTransitionTime()), user);
    }

    private static Instant instant(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /** Kubernetes' own timestamps; the epoch for one that cannot be read (which the API server never writes). */
    private static Instant timestamp(String text) {
        Instant instant = optionalTimestamp(text);
        return instant == null ? Instant.EPOCH : instant;
    }

    private static Instant optionalTimestamp(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
