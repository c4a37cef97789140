package dev.vmpools.scheduler.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.JsonPatchOperation;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachineStatus;
import dev.vmpools.api.names.LeaseNames;
import dev.vmpools.api.permission.Grant;
import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.api.permission.Permission;
import dev.vmpools.api.permission.PoolPermissions;
import dev.vmpools.api.retention.Retention;
import dev.vmpools.api.retention.RetentionMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory namespace that behaves like the API server where the planner's writes are concerned:
 * Lease writes are checked against the resourceVersion, VM patches are JSON patches whose {@code test}s
 * must hold, metadata updates are checked against the request's resourceVersion, and a request whose
 * last finalizer goes while it is being deleted disappears. Time moves only when a test says so.
 */
final class World {
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final String P = "test-vms";

    final AssignmentPlanner planner;
    Instant now = T0;
    private long revision = 100;
    final Map<String, Pool> pools = new TreeMap<>();
    final Map<String, Vm> vms = new TreeMap<>();
    final Map<String, LeaseState> leases = new TreeMap<>();
    final Map<String, Request> requests = new TreeMap<>();
    final List<Action.EmitEvent> events = new ArrayList<>();
    final List<Action> applied = new ArrayList<>();
    int conflicts;

    World() {
        this(PlannerSettings.defaults());
    }

    World(PlannerSettings settings) {
        this.planner = new AssignmentPlanner(settings);
    }

    // ---------------------------------------------------------------- objects

    static final class Pool {
        final String name;
        final String uid;
        long generation = 1;
        String retention;
        List<Grant> grants = new ArrayList<>(List.of(Grant.toRole("user", Set.of(Permission.ACCESS_CONSOLE))));
        PoolStatus status;

        Pool(String name, String retention) {
            this.name = name;
            this.uid = "uid-pool-" + name;
            this.retention = retention;
        }
    }

    static final class Vm {
        final String name;
        String uid;
        String resourceVersion;
        final Map<String, Object> doc = new LinkedHashMap<>();
        boolean running;
        Console console = Console.NONE;

        Vm(String name, String uid) {
            this.name = name;
            this.uid = uid;
        }

        @SuppressWarnings("unchecked")
        List<String> pools() {
            return (List<String>) ((Map<String, Object>) doc.get("spec")).get("pools");
        }

        @SuppressWarnings("unchecked")
        Optional<String> desiredState() {
            Map<String, Object> vm = (Map<String, Object>) ((Map<String, Object>) doc.get("spec")).get("vm");
            return Optional.ofNullable((String) vm.get("state"));
        }

        @SuppressWarnings("unchecked")
        Optional<Map<String, Object>> record() {
            Map<String, Object> status = (Map<String, Object>) doc.get("status");
            return status == null ? Optional.empty() : Optional.ofNullable((Map<String, Object>) status.get("assignment"));
        }

        Optional<PoolAssignment> assignment() {
            return record().flatMap(World::assignmentOf);
        }
    }

    static final class Request {
        final String name;
        final String uid;
        String resourceVersion;
        final Instant created;
        Instant deleted;
        final String pool;
        final String user;
        GrantedBy grantedBy = GrantedBy.bypass();
        List<String> finalizers = new ArrayList<>(List.of(MetadataKeys.FINALIZER));
        Map<String, String> labels = new HashMap<>();
        RequestStatus status;

        Request(String name, String uid, Instant created, String pool, String user) {
            this.name = name;
            this.uid = uid;
            this.created = created;
            this.pool = pool;
            this.user = user;
        }

        String reason() {
            return status == null ? null : status.assigned().reason();
        }
    }

    // ---------------------------------------------------------------- building

    World pool(String name, String retention) {
        pools.put(name, new Pool(name, retention));
        return this;
    }

    World vm(String name, String... poolNames) {
        Vm vm = new Vm(name, "uid-" + name);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("pools", new ArrayList<>(List.of(poolNames)));
        spec.put("vm", new LinkedHashMap<>(Map.of("state", "Stopped")));
        vm.doc.put("metadata", new LinkedHashMap<>(Map.of("resourceVersion", "0")));
        vm.doc.put("spec", spec);
        vms.put(name, vm);
        bump(vm);
        return this;
    }

    /** Several VMs of one pool: {@code vm-0}..{@code vm-(n-1)}. */
    World vms(int count, String pool) {
        for (int i = 0; i < count; i++) {
            vm("vm-" + i, pool);
        }
        return this;
    }

    Request request(String name, String pool, String user) {
        Request request = new Request(name, "uid-" + name, now.truncatedTo(ChronoUnit.SECONDS), pool, user);
        request.resourceVersion = next();
        request.labels.put(MetadataKeys.POOL_LABEL, pool);
        if (user != null) {
            request.labels.put(MetadataKeys.USER_LABEL, user);
        }
        requests.put(name, request);
        return request;
    }

    World ask(String name, String user) {
        request(name, P, user);
        return this;
    }

    // ---------------------------------------------------------------- what happens outside the planner

    World advance(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    World at(Instant instant) {
        now = instant;
        return this;
    }

    /** VM-Operator's runner: the console connects (condition times are whole seconds). */
    World connect(String vm, String user) {
        Vm v = vms.get(vm);
        v.console = new Console(true, now.truncatedTo(ChronoUnit.SECONDS), user);
        ensureStatus(v);
        bump(v);
        return this;
    }

    World disconnect(String vm) {
        Vm v = vms.get(vm);
        v.console = new Console(false, now.truncatedTo(ChronoUnit.SECONDS), v.console.user());
        bump(v);
        return this;
    }

    World running(String vm, boolean running) {
        Vm v = vms.get(vm);
        v.running = running;
        ensureStatus(v);
        bump(v);
        return this;
    }

    /** VM-Operator's GUI (or its manager) writes the record itself. */
    World vmOperatorAssigns(String vm, String pool, String user, Instant lastUsed) {
        Vm v = vms.get(vm);
        ensureStatus(v);
        statusOf(v).put("assignment", new LinkedHashMap<>(new PoolAssignment(pool, user, lastUsed).toMap()));
        bump(v);
        return this;
    }

    @SuppressWarnings("unchecked")
    World setPools(String vm, String... poolNames) {
        Vm v = vms.get(vm);
        ((Map<String, Object>) v.doc.get("spec")).put("pools", new ArrayList<>(List.of(poolNames)));
        bump(v);
        return this;
    }

    /** Deletes the VM; the garbage collector takes its Lease along. */
    World deleteVm(String vm) {
        vms.remove(vm);
        leases.remove(LeaseNames.forVm(vm));
        return this;
    }

    /** The VM is deleted and created again under its name before the garbage collector removed its Lease. */
    World replaceVm(String vm, String... poolNames) {
        String uid = vms.get(vm).uid + "-new";
        vm(vm, poolNames);
        vms.get(vm).uid = uid;
        return this;
    }

    /** Performs a plan made earlier (the world may have changed since). */
    World perform(Plan plan) {
        for (ActionChain chain : plan.chains()) {
            for (Action action : chain.actions()) {
                if (!apply(action)) {
                    break;
                }
            }
        }
        return this;
    }

    World delete(String request) {
        Request r = requests.get(request);
        if (r.finalizers.isEmpty()) {
            requests.remove(request);
        } else {
            r.deleted = now.truncatedTo(ChronoUnit.SECONDS);
            r.resourceVersion = next();
        }
        return this;
    }

    World deletePool(String pool) {
        pools.remove(pool);
        return this;
    }

    /** A Lease left by an earlier, released holder: last used at {@code renewTime}. */
    World releasedLease(String vm, String pool, String user, Instant renewTime) {
        return lease(vm, "", pool, user, renewTime, 3600, 1);
    }

    World lease(String vm, String holder, String pool, String user, Instant renewTime, int seconds, int transitions) {
        leases.put(LeaseNames.forVm(vm), new LeaseState(next(), holder, renewTime, renewTime, seconds, transitions, pool,
                user, vms.get(vm).uid));
        return this;
    }

    // ---------------------------------------------------------------- planning

    Snapshot snapshot() {
        List<Snapshot> groups = groups().groups();
        assertThat(groups).as("planning groups").hasSize(1);
        return groups.getFirst();
    }

    PlanningGroups groups() {
        return PlanningGroups.of(pools.values().stream().map(this::poolState).toList(),
                vms.values().stream().map(this::vmState).toList(),
                requests.values().stream().map(this::requestState).toList());
    }

    Plan plan() {
        return planner.plan(snapshot(), now);
    }

    /** Plans every group once and performs every chain; returns the number of writes performed. */
    int step() {
        int writes = 0;
        for (Snapshot group : groups().groups()) {
            Plan plan = planner.plan(group, now);
            for (ActionChain chain : plan.chains()) {
                for (Action action : chain.actions()) {
                    if (!apply(action)) {
                        break;
                    }
                    writes++;
                }
            }
        }
        return writes;
    }

    /** Plans and writes until a plan has nothing to write; fails if that takes more than a few rounds. */
    World settle() {
        for (int round = 0; round < 12; round++) {
            boolean settled = groups().groups().stream().allMatch(g -> planner.plan(g, now).settled());
            if (settled) {
                return this;
            }
            step();
        }
        throw new AssertionError("the plans did not settle: " + plan().chains());
    }

    /** Performs only the first {@code count} actions of the current plan, in chain order: a crash after them. */
    World crashAfter(int count) {
        List<Action> actions = plan().actions().toList();
        for (Action action : actions.subList(0, Math.min(count, actions.size()))) {
            apply(action);
        }
        return this;
    }

    /** Performs one action as the API server would; false on a conflict or a failed test. */
    boolean apply(Action action) {
        boolean done = switch (action) {
            case Action.WriteLease write -> writeLease(write);
            case Action.PatchVmStatus patch -> patchVm(patch.vm(), patch.patch());
            case Action.SetDesiredState state -> patchVm(state.vm(), state.patch());
            case Action.UpdateRequestMetadata update -> updateMetadata(update);
            case Action.WriteRequestStatus write -> writeStatus(write);
            case Action.RemoveFinalizer remove -> removeFinalizer(remove);
            case Action.WritePoolStatus write -> {
                Pool pool = pools.get(write.pool());
                if (pool != null) {
                    pool.status = write.status();
                }
                yield pool != null;
            }
            case Action.EmitEvent event -> events.add(event);
        };
        if (done) {
            applied.add(action);
        } else {
            conflicts++;
        }
        return done;
    }

    private boolean writeLease(Action.WriteLease write) {
        LeaseState current = leases.get(write.lease());
        Vm vm = vms.get(write.vm());
        if (vm == null) {
            return false;
        }
        if (write.resourceVersion().isEmpty() ? current != null
                : current == null || !current.resourceVersion().equals(write.resourceVersion().get())) {
            return false;
        }
        LeaseRecord r = write.record();
        leases.put(write.lease(), new LeaseState(next(), r.holderIdentity(), r.acquireTime(), r.renewTime(),
                r.leaseDurationSeconds(), r.leaseTransitions(), r.pool(), r.user(), r.vmUid()));
        return true;
    }

    private boolean patchVm(String name, List<JsonPatchOperation> patch) {
        Vm vm = vms.get(name);
        if (vm == null) {
            return false;
        }
        Map<String, Object> copy = deepCopy(vm.doc);
        for (JsonPatchOperation op : patch) {
            if (!applyOperation(copy, op)) {
                return false;
            }
        }
        vm.doc.clear();
        vm.doc.putAll(copy);
        bump(vm);
        return true;
    }

    private boolean updateMetadata(Action.UpdateRequestMetadata update) {
        Request r = requests.get(update.request());
        if (r == null || !r.resourceVersion.equals(update.resourceVersion())) {
            return false;
        }
        r.finalizers = new ArrayList<>(update.finalizers());
        r.labels.putAll(update.labels());
        r.resourceVersion = next();
        return true;
    }

    private boolean writeStatus(Action.WriteRequestStatus write) {
        Request r = requests.get(write.request());
        if (r == null) {
            return false;
        }
        r.status = write.status();
        r.resourceVersion = next();
        return true;
    }

    private boolean removeFinalizer(Action.RemoveFinalizer remove) {
        Request r = requests.get(remove.request());
        if (r == null) {
            return false;
        }
        Map<String, Object> doc = new LinkedHashMap<>(Map.of("metadata",
                new LinkedHashMap<>(Map.of("finalizers", new ArrayList<Object>(r.finalizers)))));
        for (JsonPatchOperation op : remove.patch()) {
            if (!applyOperation(doc, op)) {
                return false;
            }
        }
        @SuppressWarnings("unchecked")
        List<String> left = (List<String>) ((Map<String, Object>) doc.get("metadata")).get("finalizers");
        r.finalizers = new ArrayList<>(left);
        r.resourceVersion = next();
        if (r.deleted != null && r.finalizers.isEmpty()) {
            requests.remove(r.name);
        }
        return true;
    }

    // ---------------------------------------------------------------- reading

    PoolState poolState(Pool pool) {
        return new PoolState(pool.name, pool.uid, pool.generation, Retention.parse(pool.retention,
                RetentionMode.VM_OPERATOR_ABSENT), new PoolPermissions(pool.grants), Optional.ofNullable(pool.status));
    }

    VmState vmState(Vm vm) {
        Optional<LeaseState> lease = Optional.ofNullable(leases.get(LeaseNames.forVm(vm.name)));
        Optional<VirtualMachineStatus.Assignment> record = vm.record().map(m -> new VirtualMachineStatus.Assignment(
                (String) m.get("pool"), (String) m.get("user"), (String) m.get("lastUsed")));
        return new VmState(vm.name, vm.uid, vm.resourceVersion, vm.pools(), vm.desiredState(), vm.running,
                vm.console, vm.doc.containsKey("status"), record, lease);
    }

    RequestState requestState(Request r) {
        return new RequestState(r.name, r.uid, r.resourceVersion, 1, r.created, Optional.ofNullable(r.deleted), r.pool,
                r.user, r.grantedBy, r.finalizers, r.labels, Map.of(), Optional.ofNullable(r.status));
    }

    Request request(String name) {
        return requests.get(name);
    }

    LeaseState lease(String vm) {
        return leases.get(LeaseNames.forVm(vm));
    }

    /** The VM a request is assigned to, per its status, or null. */
    String vmOf(String request) {
        Request r = requests.get(request);
        return r == null || r.status == null || !AssignmentReason.ASSIGNED.reason().equals(r.reason())
                ? null
                : r.status.vm();
    }

    String reasonOf(String request) {
        return requests.get(request).reason();
    }

    String messageOf(String request) {
        return requests.get(request).status.assigned().message();
    }

    /**
     * DESIGN §8's invariants at quiescence: every Assigned request's VM has a Lease naming it and a record
     * naming its pool and user; no VM is held by two requests; every active request has a reason.
     */
    void assertConsistent() {
        Map<String, String> holderOfVm = new HashMap<>();
        for (Request r : requests.values()) {
            if (r.deleted != null) {
                continue;
            }
            assertThat(r.status).as("status of %s", r.name).isNotNull();
            if (AssignmentReason.ASSIGNED.reason().equals(r.reason())) {
                String vm = r.status.vm();
                assertThat(holderOfVm.put(vm, r.name)).as("second holder of %s", vm).isNull();
                assertThat(lease(vm).holderIdentity()).as("Lease of %s", vm).isEqualTo(r.name + "/" + r.uid);
                assertThat(lease(vm).leaseTransitions()).as("token of %s", r.name)
                        .isEqualTo(r.status.leaseTransitions());
                assertThat(vms.get(vm).assignment().map(a -> a.names(r.pool, r.user))).as("record of %s", vm)
                        .contains(true);
            }
        }
    }

    // ---------------------------------------------------------------- details

    private void ensureStatus(Vm vm) {
        vm.doc.computeIfAbsent("status", k -> new LinkedHashMap<>());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> statusOf(Vm vm) {
        return (Map<String, Object>) vm.doc.get("status");
    }

    @SuppressWarnings("unchecked")
    private void bump(Vm vm) {
        vm.resourceVersion = next();
        ((Map<String, Object>) vm.doc.get("metadata")).put("resourceVersion", vm.resourceVersion);
    }

    private String next() {
        return Long.toString(++revision);
    }

    private static Optional<PoolAssignment> assignmentOf(Map<String, Object> record) {
        return PoolAssignment.of((String) record.get("pool"), (String) record.get("user"),
                (String) record.get("lastUsed"));
    }

    /** RFC 6902 on maps and lists, for the paths our patches use. */
    @SuppressWarnings("unchecked")
    private static boolean applyOperation(Map<String, Object> doc, JsonPatchOperation op) {
        String[] tokens = op.path().substring(1).split("/");
        Object parent = doc;
        for (int i = 0; i < tokens.length - 1; i++) {
            parent = child(parent, tokens[i]);
            if (parent == null) {
                return false;
            }
        }
        String key = tokens[tokens.length - 1];
        Object value = deepCopyValue(op.value());
        if (parent instanceof List<?> list) {
            List<Object> items = (List<Object>) list;
            int index = Integer.parseInt(key);
            if (index >= items.size() && !op.op().equals("add")) {
                return false;
            }
            switch (op.op()) {
                case "test" -> {
                    return Objects.equals(items.get(index), value);
                }
                case "add" -> items.add(index, value);
                case "replace" -> items.set(index, value);
                case "remove" -> items.remove(index);
                default -> throw new IllegalArgumentException(op.op());
            }
            return true;
        }
        Map<String, Object> map = (Map<String, Object>) parent;
        switch (op.op()) {
            case "test" -> {
                return map.containsKey(key) && Objects.equals(map.get(key), value);
            }
            case "add" -> map.put(key, value);
            case "replace" -> {
                if (!map.containsKey(key)) {
                    return false;
                }
                map.put(key, value);
            }
            case "remove" -> {
                if (!map.containsKey(key)) {
                    return false;
                }
                map.remove(key);
            }
            default -> throw new IllegalArgumentException(op.op());
        }
        return true;
    }

    private static Object child(Object parent, String token) {
        if (parent instanceof Map<?, ?> map) {
            Object child = map.get(token);
            return child instanceof Map<?, ?> || child instanceof List<?> ? child : null;
        }
        if (parent instanceof List<?> list) {
            int index = Integer.parseInt(token);
            return index < list.size() ? list.get(index) : null;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> map) {
        return (Map<String, Object>) deepCopyValue(map);
    }

    private static Object deepCopyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, deepCopyValue(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(World::deepCopyValue).toList());
        }
        return value;
    }
}
