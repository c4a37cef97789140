package dev.vmpools.scheduler;

import static org.awaitility.Awaitility.await;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.names.LeaseNames;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A burst of requests for the reliability tests: 50 VMs in three pools (red and blue share ten VMs, green stands
 * alone: two planning groups), and client threads acting as different users that create 200 VmAssignments
 * concurrently with deletions of their own earlier ones mixed in. Users ask for themselves (several times per pool:
 * Duplicates); administrators and root ask for many users. Every operation is retried while the API server does not
 * answer (a create that went through before the connection dropped answers AlreadyExists, a delete NotFound: both
 * count as done). A watch of the requests checks {@link Invariants#duringBurst} after every change and counts the
 * assignments it sees.
 */
final class Burst implements AutoCloseable {
    static final int VMS = 50;
    static final List<String> POOLS = List.of("red", "blue", "green");
    /** Patience for one operation while the API server is away (restarting). */
    private static final Duration OPERATION_PATIENCE = Duration.ofSeconds(90);

    /**
     * How the burst runs.
     *
     * @param requests how many VmAssignments are created in all
     * @param deleteShare the chance that a create is followed by the deletion of one of the thread's earlier ones
     * @param clients one thread per entry
     * @param opsPerSecond a cap on operations per second over all threads, to stretch the burst; 0: as fast as
     *     the API server goes
     * @param seed of the random choices (printed, to repeat a run)
     */
    record Settings(int requests, double deleteShare, List<TestUser> clients, double opsPerSecond, long seed) {
        static Settings standard(double opsPerSecond, long seed) {
            return new Settings(200, 0.35, List.of(TestUser.ALICE, TestUser.BOB, TestUser.DAVE, TestUser.ADMIN,
                    TestUser.ADMIN, TestUser.ROOT), opsPerSecond, seed);
        }
    }

    /** What the burst did. */
    record Result(int created, int deleted, int retried, Duration took) {
        @Override
        public String toString() {
            double seconds = took.toMillis() / 1000.0;
            return String.format("%d created, %d deleted, %d operations retried, in %.1f s (%.1f operations/s)",
                    created, deleted, retried, seconds, (created + deleted) / Math.max(seconds, 0.001));
        }
    }

    private final ControlPlane cp;
    private final String namespace;
    private final KubernetesClient root;
    private final SharedIndexInformer<VmAssignment> watch;
    private final Map<String, VmAssignment> seen = new HashMap<>();
    private final Set<String> assignmentsSeen = ConcurrentHashMap.newKeySet();
    private final AtomicInteger changes = new AtomicInteger();
    private final AtomicInteger updates = new AtomicInteger();
    private final Set<String> violations = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    private volatile int total;

    private Burst(ControlPlane cp, String namespace) {
        this.cp = cp;
        this.namespace = namespace;
        this.root = cp.client(TestUser.ROOT);
        this.watch = root.resources(VmAssignment.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(VmAssignment request) {
                changed(request, false);
            }

            @Override
            public void onUpdate(VmAssignment before, VmAssignment after) {
                updates.incrementAndGet();
                changed(after, false);
            }

            @Override
            public void onDelete(VmAssignment request, boolean unknown) {
                changed(request, true);
            }
        }, 0);
    }

    /**
     * Makes the namespace's pools and VMs, lets group {@code vmpools:admins} administer its pools, and starts
     * watching its requests. The namespace must already be a pool namespace.
     */
    static Burst prepare(ControlPlane cp, String namespace) {
        PoolScene scene = new PoolScene(cp, namespace);
        POOLS.forEach(p -> scene.pool(p, "PT1H"));
        for (int i = 0; i < VMS; i++) {
            List<String> pools = new ArrayList<>();
            if (i < 25) {
                pools.add("red");
            }
            if (i >= 15 && i < 35) {
                pools.add("blue");
            }
            if (i >= 35) {
                pools.add("green");
            }
            scene.vm(vmName(i), pools.toArray(String[]::new));
        }
        cp.client(TestUser.ROOT).rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName("vmpools-admins").withNamespace(namespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName("vmpools-pool-admin").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName("vmpools:admins")
                .endSubject().build()).serverSideApply();
        return new Burst(cp, namespace);
    }

    static String vmName(int i) {
        return String.format("vm-%02d", i);
    }

    /** Operations performed so far, and in all (once {@link #run} has planned them). */
    int done() {
        return done.get();
    }

    int total() {
        return total;
    }

    /** Changes of requests the watch has seen (creations, status writes, deletions). */
    int changesSeen() {
        return changes.get();
    }

    /** Updates of requests the watch has seen: mostly the scheduler's writes (finalizers, statuses). */
    int updatesSeen() {
        return updates.get();
    }

    /** Distinct (request, VM) assignments the watch has seen. */
    int assignmentsSeen() {
        return assignmentsSeen.size();
    }

    /** Violations of {@link Invariants#duringBurst} the watch saw, each once. */
    List<String> violationsSeen() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** Runs the burst in the background. */
    CompletableFuture<Result> start(Settings settings) {
        return CompletableFuture.supplyAsync(() -> run(settings), task -> Thread.ofVirtual().start(task));
    }

    /** Runs the burst and returns when every operation went through. */
    Result run(Settings settings) {
        Random random = new Random(settings.seed());
        int threads = settings.clients().size();
        List<List<Runnable>> plans = new ArrayList<>();
        int[] deletes = new int[1];
        for (int t = 0; t < threads; t++) {
            plans.add(new ArrayList<>());
        }
        List<List<String>> mine = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            mine.add(new ArrayList<>());
        }
        for (int i = 0; i < settings.requests(); i++) {
            int t = i % threads;
            TestUser client = settings.clients().get(t);
            String request = String.format("r-%03d", i);
            String pool = POOLS.get(random.nextInt(POOLS.size()));
            String user = switch (client) {
                case ADMIN, ROOT -> String.format("u-%02d", random.nextInt(80));
                default -> client.userName();
            };
            plans.get(t).add(() -> create(client, request, pool, user));
            mine.get(t).add(request);
            if (mine.get(t).size() > 1 && random.nextDouble() < settings.deleteShare()) {
                String doomed = mine.get(t).remove(random.nextInt(mine.get(t).size()));
                plans.get(t).add(() -> delete(client, doomed));
                deletes[0]++;
            }
        }
        total = plans.stream().mapToInt(List::size).sum();
        Semaphore permits = new Semaphore(settings.opsPerSecond() > 0 ? 0 : Integer.MAX_VALUE);
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        if (settings.opsPerSecond() > 0) {
            pacer.scheduleAtFixedRate(permits::release, 0, Math.round(1_000_000 / settings.opsPerSecond()),
                    TimeUnit.MICROSECONDS);
        }
        Instant start = Instant.now();
        try (var workers = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("burst-", 0).factory())) {
            List<CompletableFuture<Void>> running = plans.stream().map(plan -> CompletableFuture.runAsync(() -> {
                for (Runnable operation : plan) {
                    permits.acquireUninterruptibly();
                    operation.run();
                    done.incrementAndGet();
                }
            }, workers)).toList();
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        } finally {
            pacer.shutdownNow();
        }
        return new Result(settings.requests(), deletes[0], retried.get(), Duration.between(start, Instant.now()));
    }

    private void create(TestUser client, String name, String pool, String user) {
        Map<String, String> annotations = new LinkedHashMap<>();
        switch (client) {
            case ADMIN -> annotations.put(MetadataKeys.GRANTED_BY_ANNOTATION, "admin:" + client.userName());
            case ROOT -> annotations.put(MetadataKeys.GRANTED_BY_ANNOTATION, "bypass");
            default -> annotations.put(MetadataKeys.GRANTED_BY_ANNOTATION, "role:user");
        }
        VmAssignment request = new VmAssignment();
        request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withAnnotations(annotations).build());
        request.setSpec(new VmAssignmentSpec(pool, user));
        retrying("create VmAssignment " + name + " as " + client.userName(), 409, () ->
                cp.client(client).resources(VmAssignment.class).inNamespace(namespace).resource(request).create());
    }

    private void delete(TestUser client, String name) {
        retrying("delete VmAssignment " + name + " as " + client.userName(), 404, () ->
                cp.client(client).resources(VmAssignment.class).inNamespace(namespace).withName(name).delete());
    }

    /**
     * Performs {@code operation} until it goes through; {@code done} is the HTTP code that means an earlier attempt
     * went through (also one the client repeated by itself: names are unique within a burst). Connection failures and 5xx (the API server restarting) are tried again; any other error fails.
     */
    private void retrying(String what, int done, Runnable operation) {
        AtomicInteger attempts = new AtomicInteger();
        await(what).atMost(OPERATION_PATIENCE).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    if (attempts.getAndIncrement() == 1) {
                        retried.incrementAndGet();
                    }
                    try {
                        operation.run();
                        return true;
                    } catch (KubernetesClientException e) {
                        if (e.getCode() == done) {
                            return true;
                        }
                        if (e.getCode() == 0 || e.getCode() >= 500) {
                            return false;
                        }
                        throw new AssertionError(what + " failed: HTTP " + e.getCode() + " " + e.getMessage(), e);
                    }
                });
    }

    private void changed(VmAssignment request, boolean deleted) {
        changes.incrementAndGet();
        List<VmAssignment> now;
        synchronized (seen) {
            if (deleted) {
                seen.remove(request.getMetadata().getName());
            } else {
                seen.put(request.getMetadata().getName(), request);
            }
            now = List.copyOf(seen.values());
        }
        if (!deleted && AssignmentReason.ASSIGNED.reason().equals(Invariants.assignedCondition(request)
                .map(Condition::getReason).orElse("")) && request.getStatus().vm() != null) {
            assignmentsSeen.add(request.getMetadata().getUid() + "/" + request.getStatus().vm());
        }
        violations.addAll(Invariants.duringBurst(now));
    }

    /**
     * Waits until the namespace is settled — the invariants hold and Leases, VMs and requests stay unchanged for a
     * second — and returns the last report, which names every violation if it never settled within {@code patience}.
     */
    Invariants.Report awaitQuiescence(Duration patience) {
        AtomicReference<Invariants.Report> last = new AtomicReference<>();
        AtomicReference<String> lastFingerprint = new AtomicReference<>("");
        try {
            await("quiescence of " + namespace).atMost(patience).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                        List<VirtualMachine> vms = root.resources(VirtualMachine.class).inNamespace(namespace).list()
                                .getItems();
                        List<Lease> leases = root.leases().inNamespace(namespace).list().getItems().stream()
                                .filter(l -> l.getMetadata().getName().startsWith(LeaseNames.PREFIX)).toList();
                        List<VmAssignment> requests = root.resources(VmAssignment.class).inNamespace(namespace).list()
                                .getItems();
                        String fingerprint = fingerprint(vms) + fingerprint(leases) + fingerprint(requests);
                        Invariants.Report report = Invariants.atQuiescence(vms, leases, requests, Instant.now());
                        last.set(report);
                        return report.holds() && fingerprint.equals(lastFingerprint.getAndSet(fingerprint));
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // The caller asserts on the report, which names what did not settle.
        }
        return last.get() == null ? Invariants.atQuiescence(root, namespace, Instant.now()) : last.get();
    }

    /**
     * The story behind each violation, for the test's output: the Lease and record of each VM a report names, and
     * the Events (events.k8s.io) about the requests, VMs and users it names or that mention them, oldest first,
     * with the scheduler instance that recorded them.
     */
    String evidence(Invariants.Report report) {
        Set<String> named = new java.util.TreeSet<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\\b(r-\\d{3}|vm-\\d{2}|u-\\d+)\\b")
                .matcher(String.join("\n", report.violations()));
        while (matcher.find()) {
            named.add(matcher.group(1));
        }
        if (named.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("The VMs named:\n");
        for (String name : named) {
            if (!name.startsWith("vm-")) {
                continue;
            }
            Lease lease = root.leases().inNamespace(namespace).withName(LeaseNames.forVm(name)).get();
            VirtualMachine vm = root.resources(VirtualMachine.class).inNamespace(namespace).withName(name).get();
            text.append("  ").append(name).append(" record ")
                    .append(vm == null ? "(no VM)" : vm.assignment().map(Object::toString).orElse("none"))
                    .append("; Lease ").append(lease == null ? "none" : "holder '" + lease.getSpec().getHolderIdentity()
                            + "' transitions " + lease.getSpec().getLeaseTransitions() + " acquired "
                            + lease.getSpec().getAcquireTime() + " renewed " + lease.getSpec().getRenewTime() + " for "
                            + lease.getSpec().getLeaseDurationSeconds() + " s, annotations "
                            + lease.getMetadata().getAnnotations())
                    .append('\n');
        }
        java.util.regex.Pattern mention = java.util.regex.Pattern.compile(".*\\b("
                + String.join("|", named) + ")\\b.*", java.util.regex.Pattern.DOTALL);
        text.append("Events about or mentioning them:\n");
        root.events().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getRegarding() != null && (named.contains(e.getRegarding().getName())
                        || (e.getNote() != null && mention.matcher(e.getNote()).matches())))
                .sorted(java.util.Comparator.comparing((io.fabric8.kubernetes.api.model.events.v1.Event e) ->
                        e.getEventTime() == null ? "" : e.getEventTime().getTime()))
                .forEach(e -> text.append("  ").append(e.getEventTime() == null ? "" : e.getEventTime().getTime())
                        .append(' ').append(e.getRegarding().getName()).append(' ').append(e.getReason())
                        .append(" by ").append(e.getReportingInstance()).append(": ").append(e.getNote())
                        .append('\n'));
        return text.toString();
    }

    private static String fingerprint(List<? extends io.fabric8.kubernetes.api.model.HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName() + "@" + o.getMetadata().getResourceVersion())
                .sorted().collect(Collectors.joining(",")) + ";";
    }

    @Override
    public void close() {
        watch.stop();
    }
}
