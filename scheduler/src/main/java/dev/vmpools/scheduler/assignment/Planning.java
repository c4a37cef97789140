package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachineSpec;
import dev.vmpools.api.VmPatches;
import dev.vmpools.api.names.LabelValue;
import dev.vmpools.api.names.LeaseNames;
import dev.vmpools.api.retention.Retention;
import dev.vmpools.api.retention.RetentionOutcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** One run of the planner over one snapshot; see {@link AssignmentPlanner}. */
final class Planning {

    /** What becomes of a request in this plan. */
    private enum Fate {
        /** Active and first for its pool and user: holds a VM, gets one, or waits. */
        CONTENDER,
        /** Active, but an older active request of the same user and pool comes first. */
        DUPLICATE,
        /** Its pool is not in the cache (yet): waits for the grace period. */
        PENDING_POOL,
        /** No {@code spec.user}: cannot be served. */
        NO_USER,
        /** Being deleted: release its VM, then the finalizer. */
        DELETING,
        /** Was terminal already. */
        TERMINAL,
        EXPIRED,
        RETENTION_ENDED,
        POOL_NOT_FOUND,
        PERMISSION_REVOKED
    }

    private static final int MAX_LEASE_SECONDS = Integer.MAX_VALUE;
    private static final String VM_ASSIGNMENT = "VmAssignment";

    private final PlannerSettings settings;
    private final Instant now;
    /**
     * The instant a use is recorded as: to the millisecond, the precision of {@code status.assignment.lastUsed},
     * so that Lease, VM and request carry exactly the same instant.
     */
    private final Instant use;
    private final Map<String, PoolState> pools = new TreeMap<>();
    private final Map<String, VmPlan> vms = new TreeMap<>();
    private final List<RequestPlan> requests = new ArrayList<>();
    private final Map<String, RequestPlan> byIdentity = new HashMap<>();
    private final Map<String, List<VmPlan>> leasedBy = new HashMap<>();
    /** VMs whose record or Lease names a pool and user: the candidates for stickiness. */
    private final Map<List<String>, Set<VmPlan>> recordedFor = new HashMap<>();
    /** VMs by the pools they list. */
    private final Map<String, List<VmPlan>> listing = new HashMap<>();
    /** The contender of each pool and user (the first active request), from {@link #classify}. */
    private final Map<List<String>, RequestPlan> contenders = new HashMap<>();
    /** Why requests of a pool wait, computed once per pool after allocation. */
    private final Map<String, Counts> counts = new HashMap<>();
    private final List<Instant> wakes = new ArrayList<>();

    Planning(PlannerSettings settings, Snapshot snapshot, Instant now) {
        this.settings = settings;
        this.now = now;
        this.use = now.truncatedTo(ChronoUnit.MILLIS);
        snapshot.pools().forEach(p -> pools.put(p.name(), p));
        snapshot.vms().forEach(v -> vms.put(v.name(), new VmPlan(v)));
        snapshot.requests().stream()
                .sorted(Comparator.comparing(RequestState::created).thenComparing(RequestState::name))
                .forEach(r -> {
                    RequestPlan plan = new RequestPlan(r);
                    requests.add(plan);
                    byIdentity.put(r.identity(), plan);
                });
        for (VmPlan vm : vms.values()) {
            if (vm.lease != null && vm.lease.hasHolder()) {
                leasedBy.computeIfAbsent(vm.lease.holderIdentity(), h -> new ArrayList<>()).add(vm);
            }
            vm.record.ifPresent(a -> recordedFor.computeIfAbsent(List.of(a.pool(), a.user()),
                    k -> new LinkedHashSet<>()).add(vm));
            if (vm.lease != null && vm.lease.pool() != null && vm.lease.user() != null) {
                recordedFor.computeIfAbsent(List.of(vm.lease.pool(), vm.lease.user()), k -> new LinkedHashSet<>())
                        .add(vm);
            }
            vm.vm.pools().forEach(pool -> listing.computeIfAbsent(pool, k -> new ArrayList<>()).add(vm));
        }
    }

    Plan run() {
        classify();
        resolveHolds();
        releaseForInactive();
        markOtherHolds();
        allocate();
        return assemble();
    }

    // ---------------------------------------------------------------- deciding

    private void classify() {
        for (RequestPlan plan : requests) {
            RequestState request = plan.request;
            PoolState pool = pools.get(request.pool());
            if (request.deleting()) {
                plan.fate = Fate.DELETING;
            } else if (request.status().map(RequestStatus::terminal).orElse(false)) {
                plan.fate = Fate.TERMINAL;
            } else if (!request.hasUser()) {
                plan.fate = Fate.NO_USER;
            } else if (pool == null) {
                Instant believeAt = request.created().plus(settings.poolNotFoundGrace());
                if (now.isBefore(believeAt)) {
                    plan.fate = Fate.PENDING_POOL;
                    plan.waitUntil = believeAt;
                    wake(believeAt);
                } else {
                    plan.fate = Fate.POOL_NOT_FOUND;
                }
            } else if (request.grantedBy().revokedIn(pool.permissions())) {
                plan.fate = Fate.PERMISSION_REVOKED;
            } else {
                RequestPlan older = contenders.putIfAbsent(List.of(request.pool(), request.user()), plan);
                plan.fate = older == null ? Fate.CONTENDER : Fate.DUPLICATE;
                plan.older = older;
            }
        }
    }

    /** Which VM each contender holds now, whether that hold has just ended, and which VMs it lost. */
    private void resolveHolds() {
        for (RequestPlan plan : requests) {
            if (plan.fate != Fate.CONTENDER) {
                continue;
            }
            RequestState request = plan.request;
            List<VmPlan> kept = new ArrayList<>();
            for (VmPlan vm : leasedBy.getOrDefault(request.identity(), List.of())) {
                Optional<PoolAssignment> other = heldRecordOfOther(vm, request.pool(), request.user());
                if (!vm.vm.lists(request.pool())) {
                    plan.lose(vm, "VM " + vm.name() + " left pool " + request.pool());
                    release(plan, vm, true);
                } else if (other.isPresent()) {
                    // The commit point lost, or VM-Operator assigned the VM itself: its assignment wins.
                    plan.lose(vm, "VM-Operator assigned VM " + vm.name() + " to " + other.get().user() + " from pool "
                            + other.get().pool());
                    release(plan, vm, false);
                } else {
                    kept.add(vm);
                }
            }
            kept.sort(Comparator.comparing((VmPlan vm) -> !recordNames(vm, request.pool(), request.user()))
                    .thenComparing(vm -> !vm.name().equals(plan.statusVm()))
                    .thenComparing(vm -> vm.lease.acquireTime(), Comparator.nullsLast(Comparator.reverseOrder()))
                    .thenComparing(VmPlan::name));
            for (VmPlan extra : kept.subList(Math.min(1, kept.size()), kept.size())) {
                release(plan, extra, true);
            }
            if (!kept.isEmpty()) {
                hold(plan, kept.getFirst());
            } else if (plan.lostVm == null) {
                fromStatusAlone(plan);
            }
        }
    }

    /** A contender that keeps {@code vm}: still held, or has its retention just run out. */
    private void hold(RequestPlan plan, VmPlan vm) {
        RequestState request = plan.request;
        Optional<Retention> retention = pools.get(request.pool()).validRetention();
        plan.vm = vm;
        plan.inUse = vm.vm.console().inUseBy(request.user());
        Instant lastUse = lastUseOf(vm, request.pool(), request.user(), request.identity());
        plan.lastUse = lastUse == null ? use : lastUse;
        if (retention.isPresent() && !plan.inUse) {
            Instant end = effectiveExpiry(retention.get(), plan.lastUse);
            plan.expiresAt = end;
            if (!now.isBefore(end)) {
                plan.fate = Fate.EXPIRED;
                plan.lease = leaseFor(plan, vm, false);
                vm.expired = plan;
                return;
            }
            wake(end);
        }
        plan.lease = leaseFor(plan, vm, false);
        vm.holder = plan;
    }

    /**
     * A contender that holds no Lease: did it have a VM according to its status? Either the caches have not
     * caught up with our own writes yet (wait for them), or the assignment ended while nobody could see it,
     * or the VM was lost.
     */
    private void fromStatusAlone(RequestPlan plan) {
        RequestState request = plan.request;
        Optional<RequestStatus> status = request.status();
        String vmName = plan.statusVm();
        if (status.isEmpty() || vmName == null) {
            return;
        }
        AssignmentReason reason = status.get().reason().orElse(null);
        if (reason != AssignmentReason.ASSIGNED && reason != AssignmentReason.VM_GONE) {
            return;
        }
        VmPlan vm = vms.get(vmName);
        if (reason == AssignmentReason.ASSIGNED && vm != null && cacheBehind(request, vm)) {
            plan.behind = vm;
            vm.behindFor = plan;
            return;
        }
        Instant recordedEnd = status.get().expiresAt();
        if (reason == AssignmentReason.ASSIGNED && recordedEnd != null && !now.isBefore(recordedEnd)) {
            plan.fate = Fate.EXPIRED;
            plan.expiresAt = recordedEnd;
            plan.expiredByRecord = true;
            return;
        }
        String loss;
        if (vm == null) {
            loss = "VM " + vmName + " was deleted";
        } else if (!vm.vm.lists(request.pool())) {
            loss = "VM " + vmName + " left pool " + request.pool();
            if (releasedButRecorded(request, vm)) {
                clearRecord(plan, vm);
            }
        } else if (vm.vm.lease().isPresent() && vm.lease == null) {
            loss = "VM " + vmName + " was deleted and created again";
        } else {
            loss = "VM " + vmName + " is no longer held for this request";
        }
        plan.lostVm = vmName;
        plan.loss = loss;
    }

    /**
     * Whether the status shows an assignment the informers do not show yet: the VM's record names the
     * request's pool and user (the commit is visible) but its Lease is missing or older than the recorded
     * fencing token. Leases are written before VMs and requests, yet the informers deliver independently.
     * Trusted only for a short while after the assignment: a Lease deleted by hand must not stall the request.
     */
    private boolean cacheBehind(RequestState request, VmPlan vm) {
        Integer recorded = request.recordedTransitions();
        Instant assignedAt = request.status().map(RequestStatus::assignedAt).orElse(null);
        if (recorded == null || assignedAt == null || !vm.vm.lists(request.pool())
                || !recordNames(vm, request.pool(), request.user())) {
            return false;
        }
        boolean behind = vm.vm.lease().isEmpty() || (vm.lease != null && vm.lease.leaseTransitions() < recorded);
        Instant trustedUntil = assignedAt.plus(settings.cacheLag());
        if (behind && now.isBefore(trustedUntil)) {
            wake(trustedUntil);
            return true;
        }
        return false;
    }

    /**
     * Requests that are being deleted or ended with PoolNotFound or PermissionRevoked give their VM back,
     * fenced: only while the Lease still shows them and the token they recorded (DESIGN §4.1).
     */
    private void releaseForInactive() {
        for (RequestPlan plan : requests) {
            RequestState request = plan.request;
            boolean ending = plan.fate == Fate.POOL_NOT_FOUND || plan.fate == Fate.PERMISSION_REVOKED
                    || (plan.fate == Fate.TERMINAL && request.status().flatMap(RequestStatus::reason)
                            .filter(r -> r == AssignmentReason.POOL_NOT_FOUND
                                    || r == AssignmentReason.PERMISSION_REVOKED).isPresent());
            if (plan.fate != Fate.DELETING && !ending) {
                continue;
            }
            VmPlan recordedVm = plan.statusVm() == null ? null : vms.get(plan.statusVm());
            if (plan.fate == Fate.DELETING && recordedVm != null
                    && request.status().flatMap(RequestStatus::reason).orElse(null) == AssignmentReason.ASSIGNED
                    && cacheBehind(request, recordedVm)) {
                plan.behind = recordedVm;
                recordedVm.behindFor = plan;
                continue;
            }
            Set<VmPlan> candidates = new LinkedHashSet<>(leasedBy.getOrDefault(request.identity(), List.of()));
            if (recordedVm != null) {
                candidates.add(recordedVm);
            }
            Integer recorded = request.recordedTransitions();
            for (VmPlan vm : candidates) {
                LeaseState lease = vm.lease;
                boolean fenced = lease != null && lease.holderIdentity().equals(request.identity())
                        && (recorded == null || recorded == lease.leaseTransitions());
                if (fenced) {
                    plan.heldLease = lease;
                    plan.heldVm = vm;
                    if (ending && vm.vm.console().inUseBy(request.user())) {
                        // Released as on delete, but only once the assignee's console disconnects.
                        vm.deferredFor = plan;
                        continue;
                    }
                    release(plan, vm, recordNames(vm, request.pool(), request.user()));
                } else if (releasedButRecorded(request, vm)) {
                    plan.heldVm = vm;
                    clearRecord(plan, vm);
                }
            }
        }
    }

    /**
     * A release that stopped after the Lease: it is released with the token this request recorded (nobody
     * took the VM since, that would have raised the token), and the record still names the request's pool
     * and user.
     */
    private static boolean releasedButRecorded(RequestState request, VmPlan vm) {
        LeaseState lease = vm.lease;
        Integer recorded = request.recordedTransitions();
        return lease != null && !lease.hasHolder() && recorded != null && recorded == lease.leaseTransitions()
                && request.hasUser() && lease.names(request.pool(), request.user())
                && recordNames(vm, request.pool(), request.user());
    }

    /** VMs held by someone this plan does not move: unknown or waiting Lease holders, VM-Operator's records. */
    private void markOtherHolds() {
        for (VmPlan vm : vms.values()) {
            if (vm.holder != null || vm.deferredFor != null || vm.behindFor != null) {
                continue;
            }
            LeaseState lease = vm.lease;
            if (!vm.releasing && lease != null && lease.hasHolder()) {
                RequestPlan holder = byIdentity.get(lease.holderIdentity());
                boolean unplanned = holder == null || holder.fate == Fate.PENDING_POOL || holder.fate == Fate.NO_USER
                        || holder.fate == Fate.DELETING;
                if (unplanned && lease.heldAt(now)) {
                    if (holder == null && !now.isBefore(orphanedSince(lease))) {
                        releaseOrphan(vm);
                        continue;
                    }
                    vm.heldByLease = true;
                    wake(lease.heldUntil());
                    if (holder == null) {
                        wake(orphanedSince(lease));
                    }
                    continue;
                }
            }
            if (!vm.clearing && !vm.releasing && outlivedItsRelease(vm)) {
                clearOutlived(vm);
                continue;
            }
            if (!vm.clearing) {
                vm.record.filter(a -> recordHeld(vm, a)).ifPresent(a -> vm.heldRecord = a);
            }
        }
    }

    /**
     * Whether the VM's record was written for a hold that had been released already: the Lease is released in
     * the name of the record's pool and user, and the record's last use is no later than the Lease's times.
     * Without leader election one scheduler can commit a record while another, whose caches do not show it,
     * releases the Lease for a deleted request; a record VM-Operator writes after the release carries a later
     * last use. Such a record would keep the VM "in retention" for nobody, and auto-login would keep the guest
     * logged in. A request of that pool and user takes the VM back instead (it is still theirs by the Lease).
     * Emptying it needs no wait for the caches: the patch tests the exact record, so a release that empties it
     * at the same time, or a take that replaces it, makes it fail harmlessly.
     */
    private boolean outlivedItsRelease(VmPlan vm) {
        LeaseState lease = vm.lease;
        if (lease == null || lease.hasHolder() || lease.renewTime() == null || vm.record.isEmpty()) {
            return false;
        }
        PoolAssignment record = vm.record.get();
        return !contenders.containsKey(List.of(record.pool(), record.user()))
                && lease.names(record.pool(), record.user()) && record.lastUsed() != null
                && !record.lastUsed().isAfter(later(lease.renewTime(), lease.acquireTime()));
    }

    /** Empties a record that outlived its release. */
    private void clearOutlived(VmPlan vm) {
        PoolAssignment record = vm.record.orElseThrow();
        vm.emptyRecord();
        vm.releases.add(new Action.EmitEvent(new ObjectRef("VirtualMachine", vm.name(), vm.vm.uid()), false,
                AssignmentReason.RELEASED.reason(), "VM " + vm.name() + " released: status.assignment of "
                        + record.pool() + "/" + record.user() + " emptied, its Lease was released at "
                        + vm.lease.renewTime()));
    }

    /**
     * From when a Lease held for a request the caches do not hold means that request is gone, not yet seen: the
     * caches can be {@code cacheLag} behind the take. A request deleted while another scheduler was taking a VM
     * for it (without leader election), or whose finalizer was removed by hand, leaves such a Lease.
     */
    private Instant orphanedSince(LeaseState lease) {
        Instant taken = later(lease.acquireTime(), lease.renewTime());
        return taken == null ? now : taken.plus(settings.cacheLag());
    }

    /** Gives back a VM held for a request that no longer exists: fenced by the Lease's resourceVersion. */
    private void releaseOrphan(VmPlan vm) {
        LeaseState lease = vm.lease;
        vm.releaseLease(use);
        if (lease.pool() != null && lease.user() != null && recordNames(vm, lease.pool(), lease.user())) {
            vm.emptyRecord();
        }
        vm.releases.add(new Action.EmitEvent(new ObjectRef("VirtualMachine", vm.name(), vm.vm.uid()), true,
                AssignmentReason.RELEASED.reason(), "VM " + vm.name() + " released: VmAssignment "
                        + lease.holderIdentity() + " that held it no longer exists"));
    }

    private void allocate() {
        List<RequestPlan> needers = new ArrayList<>();
        for (RequestPlan plan : requests) {
            if (plan.fate != Fate.CONTENDER || plan.vm != null || plan.behind != null) {
                continue;
            }
            PoolState pool = pools.get(plan.request.pool());
            if (pool.retention() instanceof RetentionOutcome.Rejected rejected) {
                plan.waitMessage = "pool retention invalid: " + rejected.message();
                continue;
            }
            if (pool.validRetention().orElseThrow() instanceof Retention.Until until) {
                if (!now.isBefore(until.instant())) {
                    plan.fate = Fate.RETENTION_ENDED;
                    plan.retentionEnd = until.instant();
                    continue;
                }
                wake(until.instant());
            }
            needers.add(plan);
        }
        // Sticky first: a VM still recorded for this user comes back to them before anyone else is served.
        for (RequestPlan plan : needers) {
            Optional<VmPlan> sticky = recordedFor.getOrDefault(List.of(plan.request.pool(), plan.request.user()),
                            Set.of()).stream().filter(vm -> stickyFor(plan, vm))
                    .max(Comparator.comparing((VmPlan vm) -> vm.lastUse, Comparator.nullsFirst(Comparator.naturalOrder()))
                            .thenComparing(Comparator.comparing(VmPlan::name).reversed()));
            if (sticky.isPresent()) {
                take(plan, sticky.get());
                continue;
            }
            // The user's VM is being given back by this very plan (their older request was deleted): wait for
            // that write instead of taking another VM; the next plan finds it free and sticky.
            recordedFor.getOrDefault(List.of(plan.request.pool(), plan.request.user()), Set.of()).stream()
                    .filter(vm -> vm.releasing && vm.holder == null && vm.vm.lists(plan.request.pool()))
                    .findFirst().ifPresent(vm -> plan.behind = vm);
        }
        // Then first come, first served: never used first, then least recently used, running first.
        Comparator<VmPlan> order = Comparator
                .comparing((VmPlan vm) -> vm.lastUse, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(vm -> !vm.vm.running())
                .thenComparing(VmPlan::name);
        // Each pool's free VMs are sorted once; a VM taken for one pool is skipped in the lists of the others.
        Map<String, Iterator<VmPlan>> eligible = new HashMap<>();
        List<RequestPlan> waiting = new ArrayList<>();
        for (RequestPlan plan : needers) {
            if (plan.vm != null || plan.behind != null) {
                continue;
            }
            Iterator<VmPlan> candidates = eligible.computeIfAbsent(plan.request.pool(),
                    pool -> listing.getOrDefault(pool, List.of()).stream().filter(Planning::free).sorted(order)
                            .toList().iterator());
            VmPlan chosen = null;
            while (chosen == null && candidates.hasNext()) {
                VmPlan candidate = candidates.next();
                chosen = free(candidate) ? candidate : null;
            }
            if (chosen != null) {
                take(plan, chosen);
            } else {
                waiting.add(plan);
            }
        }
        waiting.forEach(plan -> plan.waitMessage = explain(plan));
    }

    private boolean stickyFor(RequestPlan plan, VmPlan vm) {
        String pool = plan.request.pool();
        String user = plan.request.user();
        Console console = vm.vm.console();
        return recordedFor(vm, pool, user) && vm.vm.lists(pool) && !blocked(vm)
                && (vm.heldRecord == null || vm.heldRecord.names(pool, user))
                && (!console.connected() || console.inUseBy(user));
    }

    private void take(RequestPlan plan, VmPlan vm) {
        RequestState request = plan.request;
        Retention retention = pools.get(request.pool()).validRetention().orElseThrow();
        plan.vm = vm;
        plan.taken = true;
        plan.inUse = vm.vm.console().inUseBy(request.user());
        Instant earlier = lastUseOf(vm, request.pool(), request.user(), null);
        plan.lastUse = earlier != null && earlier.isAfter(use) ? earlier : use;
        if (!plan.inUse) {
            plan.expiresAt = effectiveExpiry(retention, plan.lastUse);
            wake(plan.expiresAt);
        }
        plan.lease = leaseFor(plan, vm, true);
        vm.holder = plan;
        vm.heldRecord = null;
    }

    // ---------------------------------------------------------------- facts about VMs

    /** Held or being moved by this plan, or held by a holder this plan does not move. */
    private static boolean blocked(VmPlan vm) {
        return vm.holder != null || vm.releasing || vm.deferredFor != null || vm.behindFor != null || vm.heldByLease;
    }

    /** Eligible (DESIGN §4.2): not held by anyone, no unexpired record of someone else, console not connected. */
    private static boolean free(VmPlan vm) {
        return !blocked(vm) && vm.heldRecord == null && !vm.vm.console().connected();
    }

    /** Whether the VM's record or its Lease (held or released) still names this pool and user. */
    private static boolean recordedFor(VmPlan vm, String pool, String user) {
        return recordNames(vm, pool, user) || (vm.lease != null && vm.lease.names(pool, user));
    }

    private static boolean recordNames(VmPlan vm, String pool, String user) {
        return vm.record.map(a -> a.names(pool, user)).orElse(false);
    }

    /** An unexpired record on the VM of someone other than this pool and user, which wins over us. */
    private Optional<PoolAssignment> heldRecordOfOther(VmPlan vm, String pool, String user) {
        return vm.record.filter(a -> !a.names(pool, user)).filter(a -> recordHeld(vm, a));
    }

    /**
     * Whether VM-Operator's record still holds the VM: its pool is listed and exists, and the assignee is
     * connected or the pool's retention has not run out since their last use. A pool whose retention cannot
     * be read holds on to its records.
     */
    private boolean recordHeld(VmPlan vm, PoolAssignment record) {
        PoolState pool = pools.get(record.pool());
        if (!vm.vm.lists(record.pool()) || pool == null) {
            return false;
        }
        if (vm.vm.console().inUseBy(record.user())) {
            return true;
        }
        Optional<Retention> retention = pool.validRetention();
        if (retention.isEmpty()) {
            return true;
        }
        Instant lastUse = lastUseOf(vm, record.pool(), record.user(), null);
        if (lastUse == null) {
            return false;
        }
        Instant end = effectiveExpiry(retention.get(), lastUse);
        if (now.isBefore(end)) {
            wake(end);
            return true;
        }
        return false;
    }

    /**
     * The last use of the VM by this pool and user: the latest of the record's {@code lastUsed}, the times
     * on a Lease held by them (or by {@code identity}) and their console's disconnect; to the millisecond.
     */
    private static Instant lastUseOf(VmPlan vm, String pool, String user, String identity) {
        Instant last = null;
        Optional<PoolAssignment> record = vm.record;
        if (record.isPresent() && record.get().names(pool, user)) {
            last = later(last, record.get().lastUsed());
        }
        LeaseState lease = vm.lease;
        if (lease != null && lease.hasHolder()
                && (lease.holderIdentity().equals(identity) || lease.names(pool, user))) {
            last = later(later(last, lease.acquireTime()), lease.renewTime());
        }
        last = later(last, vm.vm.console().disconnectOf(user).orElse(null));
        return last == null ? null : last.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * When a hold last used at {@code lastUse} ends: the retention's end, but never before the last use
     * (an absolute retention that passed while the console was connected ends at the disconnect).
     */
    private static Instant effectiveExpiry(Retention retention, Instant lastUse) {
        Instant end = retention.expiresAt(lastUse);
        return end.isBefore(lastUse) ? lastUse : end;
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || !b.isAfter(a) ? a : b;
    }

    /** The Lease as it should read while {@code plan} holds {@code vm} (DESIGN §4.1). */
    private LeaseRecord leaseFor(RequestPlan plan, VmPlan vm, boolean take) {
        RequestState request = plan.request;
        LeaseState read = take ? vm.vm.lease().orElse(null) : vm.lease;
        boolean same = read != null && read.holderIdentity().equals(request.identity()) && !take;
        Instant acquired = same && read.acquireTime() != null ? read.acquireTime() : use;
        int transitions = read == null ? 0 : same ? read.leaseTransitions() : read.leaseTransitions() + 1;
        Instant renew;
        int seconds;
        Optional<Retention> retention = pools.get(request.pool()).validRetention();
        if (plan.inUse) {
            Instant connected = vm.vm.console().since();
            renew = connected == null ? acquired : later(connected.truncatedTo(ChronoUnit.MILLIS), acquired);
            seconds = MAX_LEASE_SECONDS;
        } else if (retention.isPresent()) {
            renew = plan.lastUse;
            seconds = (int) retention.get().leaseSeconds(plan.lastUse);
        } else {
            renew = same && read.renewTime() != null ? read.renewTime() : acquired;
            Integer kept = same ? read.leaseDurationSeconds() : null;
            seconds = kept != null && kept > 0 ? kept : MAX_LEASE_SECONDS;
        }
        return new LeaseRecord(request.identity(), acquired, renew, seconds, transitions, request.pool(),
                request.user(), vm.name(), vm.vm.uid());
    }

    private void release(RequestPlan plan, VmPlan vm, boolean clearRecord) {
        RequestState request = plan.request;
        vm.releaseLease(use);
        plan.released.add(vm);
        if (clearRecord && request.hasUser() && recordNames(vm, request.pool(), request.user())) {
            clearRecord(plan, vm);
        }
    }

    private void clearRecord(RequestPlan plan, VmPlan vm) {
        vm.emptyRecord();
        plan.released.add(vm);
    }

    // ---------------------------------------------------------------- explaining

    /** {@code 0 of 12 VMs free: 8 held, 3 console in use, 1 not in pool any more}. */
    private String explain(RequestPlan plan) {
        String pool = plan.request.pool();
        Counts c = counts.computeIfAbsent(pool, this::countsOf);
        VmPlan lost = plan.lostVm == null ? null : vms.get(plan.lostVm);
        if (lost != null && !lost.vm.lists(pool) && !stillNames(lost, pool)) {
            c = new Counts(c.total() + 1, c.held(), c.console(), c.gone() + 1);
        }
        if (c.total() == 0) {
            return "0 of 0 VMs free: no VM lists pool " + pool + " in spec.pools";
        }
        List<String> reasons = new ArrayList<>();
        if (c.held() > 0) {
            reasons.add(c.held() + " held");
        }
        if (c.console() > 0) {
            reasons.add(c.console() + " console in use");
        }
        if (c.gone() > 0) {
            reasons.add(c.gone() + " not in pool any more");
        }
        return "0 of " + c.total() + (c.total() == 1 ? " VM" : " VMs") + " free: " + String.join(", ", reasons);
    }

    private Counts countsOf(String pool) {
        int held = 0;
        int console = 0;
        List<VmPlan> listed = listing.getOrDefault(pool, List.of());
        for (VmPlan vm : listed) {
            if (blocked(vm) || vm.heldRecord != null) {
                held++;
            } else if (vm.vm.console().connected()) {
                console++;
            }
        }
        int gone = (int) vms.values().stream().filter(vm -> !vm.vm.lists(pool) && stillNames(vm, pool)).count();
        return new Counts(listed.size() + gone, held, console, gone);
    }

    /** A VM that left the pool but whose record or held Lease still names it. */
    private static boolean stillNames(VmPlan vm, String pool) {
        return vm.record.map(a -> a.pool().equals(pool)).orElse(false)
                || (vm.lease != null && vm.lease.hasHolder() && pool.equals(vm.lease.pool()));
    }

    private record Counts(int total, int held, int console, int gone) {
    }

    // ---------------------------------------------------------------- writing

    private Plan assemble() {
        Map<String, List<Action>> chains = new LinkedHashMap<>();
        Map<String, RequestStatus> statuses = new LinkedHashMap<>();
        Map<VmPlan, List<RequestPlan>> givingBack = new HashMap<>();
        List<RequestPlan> alone = new ArrayList<>();
        for (RequestPlan plan : requests) {
            VmPlan home = homeOf(plan);
            if (home == null) {
                alone.add(plan);
            } else if (home.holder != plan && home.expired != plan) {
                givingBack.computeIfAbsent(home, k -> new ArrayList<>()).add(plan);
            }
        }
        // Per VM: the hold that ended, the releases, the requests that gave the VM back, then the new hold.
        for (VmPlan vm : vms.values()) {
            List<Action> chain = chains.computeIfAbsent("vm/" + vm.name(), k -> new ArrayList<>());
            if (vm.expired != null) {
                chain.addAll(requestActions(vm.expired, statuses));
            }
            chain.addAll(vm.releases);
            for (RequestPlan plan : givingBack.getOrDefault(vm, List.of())) {
                chain.addAll(requestActions(plan, statuses));
            }
            if (vm.holder != null) {
                chain.addAll(requestActions(vm.holder, statuses));
            }
        }
        for (RequestPlan plan : alone) {
            chains.computeIfAbsent("vmassignment/" + plan.request.name(), k -> new ArrayList<>())
                    .addAll(requestActions(plan, statuses));
        }
        Map<String, PoolStatus> poolStatuses = new LinkedHashMap<>();
        for (PoolState pool : pools.values()) {
            PoolStatus status = poolStatus(pool);
            poolStatuses.put(pool.name(), status);
            List<Action> chain = chains.computeIfAbsent("vmpool/" + pool.name(), k -> new ArrayList<>());
            if (!pool.status().equals(Optional.of(status))) {
                chain.add(new Action.WritePoolStatus(pool.name(), status));
            }
            boolean newGeneration = pool.status().map(s -> s.observedGeneration() != pool.generation()).orElse(true);
            if (pool.retention() instanceof RetentionOutcome.Rejected rejected && newGeneration) {
                chain.add(new Action.EmitEvent(new ObjectRef("VmPool", pool.name(), pool.uid()), true,
                        rejected.reason(), "pool " + pool.name() + " assigns no VM until its retention is fixed: "
                                + rejected.message()));
            }
        }
        List<ActionChain> result = new ArrayList<>();
        chains.forEach((subject, actions) -> {
            if (!actions.isEmpty()) {
                result.add(new ActionChain(subject, actions));
            }
        });
        Optional<Instant> wakeAt = wakes.stream().filter(Objects::nonNull).filter(t -> t.isAfter(now))
                .min(Comparator.naturalOrder());
        return new Plan(result, statuses, poolStatuses, wakeAt);
    }

    /** The VM whose chain carries the writes for this request, or null for a chain of its own. */
    private VmPlan homeOf(RequestPlan plan) {
        if ((plan.fate == Fate.CONTENDER || plan.fate == Fate.EXPIRED) && plan.vm != null) {
            return plan.vm;
        }
        if (plan.released.size() == 1) {
            return plan.released.iterator().next();
        }
        if (plan.released.isEmpty() && plan.heldVm != null && plan.heldVm.deferredFor == plan) {
            return plan.heldVm;
        }
        return null;
    }

    private List<Action> requestActions(RequestPlan plan, Map<String, RequestStatus> statuses) {
        RequestState request = plan.request;
        List<Action> actions = new ArrayList<>();
        if (plan.behind != null) {
            request.status().ifPresent(s -> statuses.put(request.name(), s));
            return actions;
        }
        if (plan.fate == Fate.DELETING) {
            deletion(plan, actions, statuses);
            return actions;
        }
        metadata(request).ifPresent(actions::add);
        RequestStatus next = switch (plan.fate) {
            case CONTENDER -> plan.vm != null ? holding(plan, actions) : waiting(plan);
            case EXPIRED -> expired(plan, actions);
            case DUPLICATE -> notAssigned(request, AssignmentReason.DUPLICATE, "request " + plan.older.request.name()
                    + " of " + request.user() + " for pool " + request.pool()
                    + " came first and is active: this one waits until it ends");
            case PENDING_POOL -> notAssigned(request, AssignmentReason.WAITING, "pool " + request.pool()
                    + " not found; waiting until " + plan.waitUntil + " in case it is being created");
            case NO_USER -> notAssigned(request, AssignmentReason.WAITING, "spec.user is empty: the request"
                    + " bypassed admission; delete it and create one that names the user");
            case RETENTION_ENDED -> notAssigned(request, AssignmentReason.RETENTION_ENDED, "the retention of pool "
                    + request.pool() + " ended at " + plan.retentionEnd + ", before a VM could be assigned");
            case POOL_NOT_FOUND -> ended(plan, AssignmentReason.POOL_NOT_FOUND,
                    "pool " + request.pool() + " does not exist");
            case PERMISSION_REVOKED -> ended(plan, AssignmentReason.PERMISSION_REVOKED, "none of the grants that"
                    + " admitted this request (" + request.grantedBy().format() + ") grants anything in pool "
                    + request.pool() + " any more");
            case TERMINAL -> request.status().orElseThrow();
            case DELETING -> throw new IllegalStateException("handled above");
        };
        statuses.put(request.name(), next);
        if (!request.status().equals(Optional.of(next))) {
            actions.add(new Action.WriteRequestStatus(request.name(), next));
        }
        AssignmentReason before = request.status().flatMap(RequestStatus::reason).orElse(null);
        AssignmentReason after = next.reason().orElseThrow();
        boolean newHold = after == AssignmentReason.ASSIGNED && (plan.loss != null
                || !Objects.equals(next.vm(), request.status().map(RequestStatus::vm).orElse(null)));
        if (before != after || newHold) {
            String message = next.assigned().message();
            if (after == AssignmentReason.ASSIGNED) {
                message = "VM " + next.vm() + " of pool " + request.pool() + " assigned to " + request.user()
                        + (plan.loss == null ? "" : " (" + plan.loss + ")");
            }
            actions.add(event(request, after, message));
        }
        if (plan.fate == Fate.EXPIRED && settings.stopAfterExpiry() && plan.vm != null && plan.vm.holder == null
                && !plan.expiredByRecord
                && !plan.vm.vm.desiredState().equals(Optional.of(VirtualMachineSpec.STOPPED))) {
            actions.add(new Action.SetDesiredState(plan.vm.name(), VirtualMachineSpec.STOPPED));
        }
        return actions;
    }

    /** Writes of a hold: take or renew the Lease, commit, start the VM, report. */
    private RequestStatus holding(RequestPlan plan, List<Action> actions) {
        RequestState request = plan.request;
        VmPlan vm = plan.vm;
        LeaseRecord lease = plan.lease;
        if (plan.taken) {
            actions.add(new Action.WriteLease(vm.name(), LeaseNames.forVm(vm.name()),
                    vm.vm.lease().map(LeaseState::resourceVersion), lease, Action.LeaseChange.TAKE));
        } else if (!lease.isWrittenIn(vm.lease)) {
            actions.add(new Action.WriteLease(vm.name(), LeaseNames.forVm(vm.name()),
                    Optional.of(vm.lease.resourceVersion()), lease, Action.LeaseChange.RENEW));
        }
        recordOnVm(plan, actions);
        boolean reported = request.status()
                .filter(s -> s.reason().orElse(null) == AssignmentReason.ASSIGNED)
                .filter(s -> vm.name().equals(s.vm()) && Objects.equals(s.leaseTransitions(), lease.leaseTransitions()))
                .isPresent();
        if (!reported && !vm.vm.desiredState().equals(Optional.of(VirtualMachineSpec.RUNNING))) {
            actions.add(new Action.SetDesiredState(vm.name(), VirtualMachineSpec.RUNNING));
        }
        Optional<Retention> retention = pools.get(request.pool()).validRetention();
        String message;
        if (plan.inUse) {
            message = "VM " + vm.name() + " is assigned to " + request.user() + "; it does not expire while "
                    + request.user() + "'s console is connected";
        } else if (retention.isEmpty()) {
            message = "VM " + vm.name() + " is assigned to " + request.user() + "; it does not expire while the"
                    + " retention of pool " + request.pool() + " is invalid";
        } else {
            message = "VM " + vm.name() + " is assigned to " + request.user() + " until " + plan.expiresAt;
        }
        StatusCondition previousAssigned = request.status().map(RequestStatus::assigned).orElse(null);
        StatusCondition previousReady = request.status().map(RequestStatus::ready).orElse(null);
        StatusCondition assigned = StatusCondition.next(ConditionTypes.ASSIGNED, ConditionTypes.TRUE,
                AssignmentReason.ASSIGNED.reason(), message, request.generation(), previousAssigned, now);
        StatusCondition ready = vm.vm.running()
                ? StatusCondition.next(ConditionTypes.READY, ConditionTypes.TRUE, "VmRunning",
                        "VM " + vm.name() + " runs", request.generation(), previousReady, now)
                : StatusCondition.next(ConditionTypes.READY, ConditionTypes.FALSE, "VmNotRunning",
                        "VM " + vm.name() + " is not running", request.generation(), previousReady, now);
        return new RequestStatus(vm.name(), LeaseNames.forVm(vm.name()), lease.leaseTransitions(),
                lease.acquireTime(), plan.lastUse, plan.inUse ? null : plan.expiresAt, request.generation(),
                assigned, ready);
    }

    /** The commit point, or the record's last use following the assignee's. */
    private void recordOnVm(RequestPlan plan, List<Action> actions) {
        RequestState request = plan.request;
        VmPlan vm = plan.vm;
        Optional<PoolAssignment> record = vm.record;
        if (record.isEmpty() || !record.get().names(request.pool(), request.user())) {
            PoolAssignment next = new PoolAssignment(request.pool(), request.user(), plan.lastUse);
            actions.add(new Action.CommitAssignment(vm.name(), next,
                    VmPatches.assign(vm.vm.statusForPatch(), vm.vm.resourceVersion(), next)));
        } else if (!plan.inUse && (record.get().lastUsed() == null || record.get().lastUsed().isBefore(plan.lastUse))) {
            PoolAssignment next = record.get().withLastUsed(plan.lastUse);
            actions.add(new Action.RecordLastUse(vm.name(), next,
                    VmPatches.lastUsed(request.pool(), request.user(), plan.lastUse)));
        }
    }

    private RequestStatus waiting(RequestPlan plan) {
        RequestState request = plan.request;
        String message = plan.waitMessage == null ? "waiting for a VM of pool " + request.pool() : plan.waitMessage;
        if (plan.loss != null) {
            RequestStatus previous = request.status().orElse(null);
            Integer token = previous != null && plan.lostVm.equals(previous.vm()) ? previous.leaseTransitions() : null;
            return status(request, plan.lostVm, token, null, null, null, AssignmentReason.VM_GONE,
                    plan.loss + "; " + message);
        }
        return notAssigned(request, AssignmentReason.WAITING, message);
    }

    private RequestStatus expired(RequestPlan plan, List<Action> actions) {
        RequestState request = plan.request;
        if (plan.expiredByRecord) {
            RequestStatus previous = request.status().orElseThrow();
            return status(request, previous.vm(), previous.leaseTransitions(), previous.assignedAt(),
                    previous.lastUsed(), previous.expiresAt(), AssignmentReason.EXPIRED, "the assignment of VM "
                            + previous.vm() + " ended at " + previous.expiresAt()
                            + "; create a new request to ask again");
        }
        VmPlan vm = plan.vm;
        LeaseRecord lease = plan.lease;
        if (vm.holder == null) {
            // Nobody takes the VM over now: leave the Lease expired by its own fields and the record current.
            if (!lease.isWrittenIn(vm.lease)) {
                actions.add(new Action.WriteLease(vm.name(), LeaseNames.forVm(vm.name()),
                        Optional.of(vm.lease.resourceVersion()), lease, Action.LeaseChange.RENEW));
            }
            if (recordNames(vm, request.pool(), request.user())) {
                recordOnVm(plan, actions);
            }
        }
        Retention retention = pools.get(request.pool()).validRetention().orElseThrow();
        return status(request, vm.name(), lease.leaseTransitions(), lease.acquireTime(), plan.lastUse,
                plan.expiresAt, AssignmentReason.EXPIRED, "the retention " + retention.text() + " of pool "
                        + request.pool() + " ended at " + plan.expiresAt + " (last use " + plan.lastUse + "); VM "
                        + vm.name() + " stays with " + request.user() + " until it is assigned to someone else:"
                        + " create a new request to ask again");
    }

    /**
     * PoolNotFound or PermissionRevoked: the VM, if any, is released as on delete. What the status says
     * comes from the assignment the request reported, so that it reads the same however far the release got.
     */
    private RequestStatus ended(RequestPlan plan, AssignmentReason reason, String why) {
        RequestState request = plan.request;
        RequestStatus previous = request.status()
                .filter(s -> s.reason().orElse(null) == AssignmentReason.ASSIGNED && s.vm() != null).orElse(null);
        if (previous == null && plan.heldVm == null) {
            return notAssigned(request, reason, why);
        }
        String vm = previous != null ? previous.vm() : plan.heldVm.name();
        Integer token = previous != null ? previous.leaseTransitions() : plan.heldLease == null ? null
                : plan.heldLease.leaseTransitions();
        Instant assignedAt = previous != null ? previous.assignedAt() : plan.heldLease == null ? null
                : plan.heldLease.acquireTime();
        String when = plan.heldVm != null && plan.heldVm.deferredFor == plan
                ? " when " + request.user() + "'s console disconnects"
                : "";
        return status(request, vm, token, assignedAt, null, null, reason, why + "; VM " + vm + " is released" + when);
    }

    private void deletion(RequestPlan plan, List<Action> actions, Map<String, RequestStatus> statuses) {
        RequestState request = plan.request;
        Set<VmPlan> released = plan.released;
        if (released.size() > 1) {
            // Several VMs to give back (only after a fault): the finalizer goes once they are released.
            return;
        }
        if (released.size() == 1) {
            VmPlan vm = released.iterator().next();
            RequestStatus previous = request.status().orElse(null);
            RequestStatus next = status(request, vm.name(),
                    previous == null ? null : previous.leaseTransitions(),
                    previous == null ? null : previous.assignedAt(), previous == null ? null : previous.lastUsed(),
                    null, AssignmentReason.RELEASED, "VM " + vm.name() + " is released");
            statuses.put(request.name(), next);
            actions.add(new Action.WriteRequestStatus(request.name(), next));
            actions.add(event(request, AssignmentReason.RELEASED, "VM " + vm.name() + " of pool " + request.pool()
                    + " released"));
        }
        if (request.hasFinalizer()) {
            actions.add(Action.RemoveFinalizer.of(request.name(), request.resourceVersion(), request.finalizers(),
                    MetadataKeys.FINALIZER));
        }
    }

    private RequestStatus notAssigned(RequestState request, AssignmentReason reason, String message) {
        return status(request, null, null, null, null, null, reason, message);
    }

    private RequestStatus status(RequestState request, String vm, Integer transitions, Instant assignedAt,
            Instant lastUsed, Instant expiresAt, AssignmentReason reason, String message) {
        StatusCondition previousAssigned = request.status().map(RequestStatus::assigned).orElse(null);
        StatusCondition previousReady = request.status().map(RequestStatus::ready).orElse(null);
        StatusCondition assigned = StatusCondition.next(ConditionTypes.ASSIGNED, reason.conditionStatus(),
                reason.reason(), message, request.generation(), previousAssigned, now);
        StatusCondition ready = StatusCondition.next(ConditionTypes.READY, ConditionTypes.FALSE, "NotAssigned",
                "no VM is assigned", request.generation(), previousReady, now);
        return new RequestStatus(vm, vm == null ? null : LeaseNames.forVm(vm), transitions, assignedAt, lastUsed,
                expiresAt, request.generation(), assigned, ready);
    }

    private static Action.EmitEvent event(RequestState request, AssignmentReason reason, String message) {
        boolean warning = switch (reason) {
            case DUPLICATE, VM_GONE, RETENTION_ENDED, POOL_NOT_FOUND, PERMISSION_REVOKED -> true;
            default -> false;
        };
        return new Action.EmitEvent(new ObjectRef(VM_ASSIGNMENT, request.name(), request.uid()), warning,
                reason.reason(), message);
    }

    /** Finalizer and labels for a request that bypassed the webhook (DESIGN §3). */
    private static Optional<Action> metadata(RequestState request) {
        List<String> finalizers = new ArrayList<>(request.finalizers());
        Map<String, String> labels = new TreeMap<>();
        Map<String, String> annotations = new TreeMap<>();
        if (!request.hasFinalizer()) {
            finalizers.add(MetadataKeys.FINALIZER);
        }
        label(request.pool(), MetadataKeys.POOL_LABEL, MetadataKeys.POOL_ANNOTATION, request, labels, annotations);
        if (request.hasUser()) {
            label(request.user(), MetadataKeys.USER_LABEL, MetadataKeys.USER_ANNOTATION, request, labels, annotations);
        }
        if (request.hasFinalizer() && labels.isEmpty() && annotations.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Action.UpdateRequestMetadata(request.name(), request.resourceVersion(), finalizers,
                labels, annotations));
    }

    private static void label(String name, String labelKey, String annotationKey, RequestState request,
            Map<String, String> labels, Map<String, String> annotations) {
        if (request.labels().containsKey(labelKey)) {
            return;
        }
        LabelValue value = LabelValue.of(name);
        labels.put(labelKey, value.value());
        if (value.needsAnnotation() && !request.annotations().containsKey(annotationKey)) {
            annotations.put(annotationKey, name);
        }
    }

    private PoolStatus poolStatus(PoolState pool) {
        String name = pool.name();
        int listed = 0;
        int assigned = 0;
        int free = 0;
        for (VmPlan vm : vms.values()) {
            if (!vm.vm.lists(name)) {
                continue;
            }
            listed++;
            String heldFor = holdPool(vm);
            if (name.equals(heldFor)) {
                assigned++;
            } else if (heldFor == null && !vm.heldByLease && !vm.vm.console().connected()) {
                // Free once this plan is written (a VM being released included).
                free++;
            }
        }
        int waiting = (int) requests.stream().filter(r -> r.request.pool().equals(name))
                .filter(r -> (r.fate == Fate.CONTENDER && r.vm == null && r.behind == null)
                        || r.fate == Fate.DUPLICATE || r.fate == Fate.NO_USER || r.fate == Fate.PENDING_POOL)
                .count();
        StatusCondition previous = pool.status().map(PoolStatus::hasVms).orElse(null);
        StatusCondition hasVms = listed > 0
                ? StatusCondition.next(ConditionTypes.HAS_VMS, ConditionTypes.TRUE, "VmsFound",
                        listed + (listed == 1 ? " VM lists" : " VMs list") + " pool " + name, pool.generation(),
                        previous, now)
                : StatusCondition.next(ConditionTypes.HAS_VMS, ConditionTypes.FALSE, "NoVms", "no VM lists pool "
                        + name + " in spec.pools: requests wait until one does", pool.generation(), previous, now);
        return new PoolStatus(listed, assigned, free, waiting, pool.generation(), hasVms);
    }

    /** The pool the VM is held for once this plan is done, or null when nobody holds it then. */
    private static String holdPool(VmPlan vm) {
        if (vm.holder != null) {
            return vm.holder.request.pool();
        }
        if (vm.deferredFor != null) {
            return vm.deferredFor.request.pool();
        }
        if (vm.behindFor != null) {
            return vm.behindFor.request.pool();
        }
        if (vm.heldByLease) {
            return vm.lease.pool();
        }
        return vm.heldRecord == null ? null : vm.heldRecord.pool();
    }

    private void wake(Instant at) {
        wakes.add(at);
    }

    // ---------------------------------------------------------------- working state

    private static final class RequestPlan {
        final RequestState request;
        Fate fate;
        /** For a duplicate: the request served instead. */
        RequestPlan older;
        /** The VM held or taken (contender), or whose hold ended (expired). */
        VmPlan vm;
        boolean taken;
        boolean inUse;
        Instant lastUse;
        /** When the hold ends; null while in use or when the retention cannot be read. */
        Instant expiresAt;
        boolean expiredByRecord;
        LeaseRecord lease;
        /** The VM lost and how. */
        String lostVm;
        String loss;
        String waitMessage;
        Instant waitUntil;
        Instant retentionEnd;
        /**
         * The VM whose write this request waits for, writing nothing now: its hold that the caches do not show
         * yet, or its sticky VM being released by this plan.
         */
        VmPlan behind;
        /** VMs whose release is written for this request in this plan. */
        final Set<VmPlan> released = new LinkedHashSet<>();
        /** For a request giving its VM back: the VM and Lease it held. */
        VmPlan heldVm;
        LeaseState heldLease;

        RequestPlan(RequestState request) {
            this.request = request;
        }

        String statusVm() {
            return request.status().map(RequestStatus::vm).orElse(null);
        }

        void lose(VmPlan vm, String how) {
            lostVm = vm.name();
            loss = how;
        }
    }

    private static final class VmPlan {
        final VmState vm;
        /** The VM's own Lease (not one left over from an earlier VM of the same name), or null. */
        final LeaseState lease;
        /** The contender holding the VM once this plan is done. */
        RequestPlan holder;
        /** The contender whose hold ended at this plan's instant. */
        RequestPlan expired;
        /** Lease and record releases written in this plan; the VM is not taken before the next plan. */
        final List<Action> releases = new ArrayList<>();
        boolean releasing;
        /** Its record is emptied by this plan. */
        boolean clearing;
        /** Held by an ending request until its assignee's console disconnects. */
        RequestPlan deferredFor;
        /** Held by a request whose hold the caches do not show yet. */
        RequestPlan behindFor;
        /** Held by a Lease whose holder this plan does not move (unknown, waiting for its pool, being deleted). */
        boolean heldByLease;
        /** Held by VM-Operator's unexpired record. */
        PoolAssignment heldRecord;

        /** VM-Operator's record, parsed once. */
        final Optional<PoolAssignment> record;
        /** The VM's last use by anyone: the later of the Lease's renewTime and the record's lastUsed. */
        final Instant lastUse;

        VmPlan(VmState vm) {
            this.vm = vm;
            this.lease = vm.ownLease().orElse(null);
            this.record = vm.assignment();
            this.lastUse = later(lease == null ? null : lease.renewTime(),
                    record.map(PoolAssignment::lastUsed).orElse(null));
        }

        String name() {
            return vm.name();
        }

        /**
         * Releases the Lease read, fenced by its resourceVersion: holder {@code ""}, {@code renewTime} the
         * instant of use. The annotations keep naming the last holder: a released VM is still "theirs" for
         * stickiness.
         */
        void releaseLease(Instant use) {
            LeaseRecord released = new LeaseRecord("", lease.acquireTime() != null ? lease.acquireTime() : use, use,
                    lease.leaseDurationSeconds() != null && lease.leaseDurationSeconds() > 0
                            ? lease.leaseDurationSeconds()
                            : 1,
                    lease.leaseTransitions(), lease.pool(), lease.user(), name(), vm.uid());
            releases.add(new Action.WriteLease(name(), LeaseNames.forVm(name()),
                    Optional.of(lease.resourceVersion()), released, Action.LeaseChange.RELEASE));
            releasing = true;
        }

        /** Empties {@code status.assignment} if it is still exactly the record read. */
        void emptyRecord() {
            releases.add(new Action.ClearAssignment(name(), record.orElseThrow(),
                    VmPatches.release(vm.assignmentRecord().orElseThrow())));
            releasing = true;
            clearing = true;
        }
    }
}
