package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.api.permission.PoolPermissions;
import dev.vmpools.api.retention.Retention;
import dev.vmpools.api.retention.RetentionMode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads objects from the informer caches into the planner's records. Pure: no client calls; anything
 * unreadable reads as absent rather than failing, so one odd object never stops the planning of its group.
 */
public final class Observed {
    private Observed() {
    }

    /** A pool; its retention is parsed in {@code mode} (DESIGN §2.1). */
    public static PoolState pool(VmPool pool, RetentionMode mode) {
        ObjectMeta meta = pool.getMetadata();
        VmPoolSpec spec = pool.getSpec() == null ? new VmPoolSpec(null, null, null) : pool.getSpec();
        return new PoolState(meta.getName(), uidOf(meta), generationOf(meta),
                Retention.parse(spec.retentionOrDefault(), mode), PoolPermissions.read(spec.grants()).permissions(),
                Optional.ofNullable(pool.getStatus()).flatMap(PoolStatus::fromModel));
    }

    /** A VM with its Lease ({@code vmpool.<vm-name>}), if the Lease cache has one. */
    public static VmState vm(VirtualMachine vm, Optional<Lease> lease) {
        ObjectMeta meta = vm.getMetadata();
        Optional<Condition> console = vm.condition(ConditionTypes.CONSOLE_CONNECTED);
        boolean connected = console.map(c -> ConditionTypes.TRUE.equals(c.getStatus())).orElse(false);
        Instant since = console.map(Condition::getLastTransitionTime).map(Observed::instant).orElse(null);
        boolean running = vm.condition(ConditionTypes.RUNNING).map(c -> ConditionTypes.TRUE.equals(c.getStatus()))
                .orElse(false);
        return new VmState(meta.getName(), uidOf(meta), meta.getResourceVersion(), vm.pools(), vm.desiredState(),
                running, new Console(connected, since, vm.consoleUser().orElse(null)), vm.getStatus() != null,
                Optional.ofNullable(vm.getStatus()).map(s -> s.assignment()), lease.map(Observed::lease));
    }

    /** A Lease; the owner reference of kind {@code VirtualMachine} ties it to its VM. */
    public static LeaseState lease(Lease lease) {
        ObjectMeta meta = lease.getMetadata();
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        String owner = meta.getOwnerReferences() == null ? null : meta.getOwnerReferences().stream()
                .filter(o -> VirtualMachine.KIND.equals(o.getKind())).map(OwnerReference::getUid).findFirst()
                .orElse(null);
        return new LeaseState(meta.getResourceVersion(), spec.getHolderIdentity(), instant(spec.getAcquireTime()),
                instant(spec.getRenewTime()), spec.getLeaseDurationSeconds(),
                spec.getLeaseTransitions() == null ? 0 : Math.max(0, spec.getLeaseTransitions()),
                annotations.get(MetadataKeys.POOL_ANNOTATION), annotations.get(MetadataKeys.USER_ANNOTATION), owner);
    }

    /** A request; a missing or unreadable {@code granted-by} reads as {@code bypass} (DESIGN §3). */
    public static RequestState request(VmAssignment request) {
        ObjectMeta meta = request.getMetadata();
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        GrantedBy grantedBy = GrantedBy.parse(annotations.get(MetadataKeys.GRANTED_BY_ANNOTATION))
                .orElse(GrantedBy.bypass());
        Instant created = Objects.requireNonNull(instant(meta.getCreationTimestamp()),
                () -> "VmAssignment " + meta.getName() + " has no creationTimestamp: read it from the API server");
        return new RequestState(meta.getName(), uidOf(meta), meta.getResourceVersion(), generationOf(meta), created,
                Optional.ofNullable(instant(meta.getDeletionTimestamp())),
                request.getSpec() == null ? null : request.getSpec().pool(),
                request.getSpec() == null ? null : request.getSpec().user(), grantedBy,
                meta.getFinalizers() == null ? List.of() : meta.getFinalizers(),
                meta.getLabels() == null ? Map.of() : meta.getLabels(), annotations,
                Optional.ofNullable(request.getStatus()).flatMap(RequestStatus::fromModel));
    }

    private static String uidOf(ObjectMeta meta) {
        return meta.getUid();
    }

    private static long generationOf(ObjectMeta meta) {
        return meta.getGeneration() == null ? 0 : meta.getGeneration();
    }

    private static Instant instant(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static Instant instant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException unreadable) {
            return null;
        }
    }
}
