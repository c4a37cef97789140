package dev.vmpools.scheduler;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VirtualMachineSpec;
import dev.vmpools.api.VirtualMachineStatus;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmPatches;
import dev.vmpools.api.names.LeaseNames;
import dev.vmpools.scheduler.assignment.LeaseRecord;
import dev.vmpools.scheduler.assignment.RequestStatus;
import dev.vmpools.scheduler.assignment.StatusCondition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The writes one assignment needs, issued by a plain client with the scheduler's identity: update the VM's Lease
 * with the resourceVersion read, the commit patch of {@code status.assignment} (with its {@code test}), the patch of
 * {@code spec.vm.state}, and the VmAssignment's status. Each client writes its own VM, Lease and request, one write
 * after the other as a scheduler's chain does, so nothing contends: what the API server can do for these writes.
 * The objects get the same shapes and patches the scheduler sends.
 */
final class PlainWrites {
    static final String POOL = "plain";

    /** One measured run: write sets completed within the window, and in the whole run (warm-up included). */
    record Result(int clients, Duration window, int sets, int allSets, Latencies latencies) {
        double perSecond() {
            return sets / (window.toNanos() / 1e9);
        }
    }

    private final KubernetesClient client;
    private final String namespace;

    /** @param client acting as the scheduler */
    PlainWrites(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** VMs {@code plain-00}.. with their requests (created by {@code root}), one per client. */
    static void prepare(PoolScene scene, KubernetesClient root, int clients) {
        scene.pool(POOL, "PT1H");
        for (int i = 0; i < clients; i++) {
            scene.vm(name(i), POOL);
            VmAssignment request = new VmAssignment();
            request.setMetadata(new ObjectMetaBuilder().withName(name(i)).withNamespace(scene.namespace).build());
            request.setSpec(new VmAssignmentSpec(POOL, "plain-user-" + i));
            root.resources(VmAssignment.class).inNamespace(scene.namespace).resource(request).create();
        }
    }

    static String name(int i) {
        return String.format("plain-%02d", i);
    }

    /** Runs {@code clients} writers for {@code warmup + measure}. */
    Result run(int clients, Duration warmup, Duration measure) {
        long from = System.nanoTime() + warmup.toNanos();
        long to = from + measure.toNanos();
        Queue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger sets = new AtomicInteger();
        AtomicInteger allSets = new AtomicInteger();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                Writer writer = new Writer(c);
                threads.submit(() -> {
                    while (System.nanoTime() < to) {
                        long start = System.nanoTime();
                        writer.writeSet();
                        long end = System.nanoTime();
                        allSets.incrementAndGet();
                        if (end >= from && end < to) {
                            sets.incrementAndGet();
                            latencies.add(end - start);
                        }
                    }
                    return null;
                });
            }
        }
        return new Result(clients, measure, sets.get(), allSets.get(), Latencies.of(latencies));
    }

    /** One client's VM, Lease and request, and what it last wrote to them. */
    private final class Writer {
        private final String vm;
        private final String vmUid;
        private final String request;
        private final String requestUid;
        private Optional<String> leaseVersion;
        private int transitions;
        private VirtualMachineStatus vmStatus;
        private String vmVersion;
        private boolean running;

        Writer(int i) {
            this.vm = name(i);
            this.request = name(i);
            VirtualMachine read = client.resources(VirtualMachine.class).inNamespace(namespace).withName(vm).get();
            this.vmUid = read.getMetadata().getUid();
            this.vmStatus = read.getStatus();
            this.vmVersion = read.getMetadata().getResourceVersion();
            this.running = read.desiredState().map(VirtualMachineSpec.RUNNING::equals).orElse(false);
            this.requestUid = client.resources(VmAssignment.class).inNamespace(namespace).withName(request).get()
                    .getMetadata().getUid();
            Lease lease = client.leases().inNamespace(namespace).withName(LeaseNames.forVm(vm)).get();
            this.leaseVersion = Optional.ofNullable(lease).map(l -> l.getMetadata().getResourceVersion());
            this.transitions = lease == null ? 0 : lease.getSpec().getLeaseTransitions() + 1;
        }

        /** Take the Lease, commit, start (or stop, to change something each time), report. */
        void writeSet() {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            String user = "plain-user-" + transitions;
            LeaseRecord record = new LeaseRecord(request + "/" + requestUid, now, now, 3600, transitions, POOL, user,
                    vm, vmUid);
            var leases = client.leases().inNamespace(namespace).resource(record.toModel(namespace,
                    LeaseNames.forVm(vm), leaseVersion));
            Lease written = leaseVersion.isPresent() ? leases.update() : leases.create();
            leaseVersion = Optional.of(written.getMetadata().getResourceVersion());
            transitions++;

            PoolAssignment next = new PoolAssignment(POOL, user, now);
            VirtualMachine committed = vmResource().subresource("status").patch(PatchContext.of(PatchType.JSON),
                    json(VmPatches.assign(vmStatus, vmVersion, next)));
            vmStatus = committed.getStatus();

            running = !running;
            VirtualMachine started = vmResource().patch(PatchContext.of(PatchType.JSON), json(VmPatches.desiredState(
                    running ? VirtualMachineSpec.RUNNING : VirtualMachineSpec.STOPPED)));
            vmVersion = started.getMetadata().getResourceVersion();

            Instant second = now.truncatedTo(ChronoUnit.SECONDS);
            RequestStatus status = new RequestStatus(vm, LeaseNames.forVm(vm), written.getSpec().getLeaseTransitions(),
                    now, now, now.plus(Duration.ofHours(1)), 1,
                    new StatusCondition(ConditionTypes.ASSIGNED, ConditionTypes.TRUE, AssignmentReason.ASSIGNED.reason(),
                            "VM " + vm + " is assigned to " + user + " until " + now.plus(Duration.ofHours(1)), second,
                            1),
                    new StatusCondition(ConditionTypes.READY, running ? ConditionTypes.TRUE : ConditionTypes.FALSE,
                            running ? "VmRunning" : "VmNotRunning", "VM " + vm, second, 1));
            VmAssignment stub = new VmAssignment();
            stub.setMetadata(new ObjectMetaBuilder().withName(request).withNamespace(namespace).build());
            client.resources(VmAssignment.class).inNamespace(namespace).resource(stub).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON), json(List.of(Map.of("op", "add", "path", "/status",
                            "value", status.toModel()))));
        }

        private io.fabric8.kubernetes.client.dsl.Resource<VirtualMachine> vmResource() {
            VirtualMachine stub = new VirtualMachine();
            stub.setMetadata(new ObjectMetaBuilder().withName(vm).withNamespace(namespace).build());
            return client.resources(VirtualMachine.class).inNamespace(namespace).resource(stub);
        }
    }

    private String json(Object value) {
        return client.getKubernetesSerialization().asJson(value);
    }
}
