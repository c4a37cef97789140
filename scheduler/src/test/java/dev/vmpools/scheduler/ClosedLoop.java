package dev.vmpools.scheduler;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closed-loop clients of the scheduler: each creates a VmAssignment, waits until a watch shows it Assigned, deletes
 * it and starts over at once, for a fresh user every time (so every assignment is a choice among the free VMs, not
 * a sticky return). Requests arrive as the webhook admits them: finalizer, labels and {@code granted-by} set.
 * The latency is from just before the create call to the watch event; a cycle counts when its assignment is seen
 * within the measured window.
 */
final class ClosedLoop implements AutoCloseable {
    private static final Duration ASSIGNMENT_PATIENCE = Duration.ofSeconds(60);

    /**
     * One measured run.
     *
     * @param cycles assignments seen within the window
     * @param allCycles assignments seen in the whole run, warm-up included
     * @param assign create to Assigned seen
     * @param release delete to the request gone (its finalizer removed after the VM was given back)
     * @param timeouts requests not Assigned within a minute
     */
    record Result(int clients, Duration window, int cycles, int allCycles, Latencies assign, Latencies release,
            int timeouts) {
        double perSecond() {
            return cycles / (window.toNanos() / 1e9);
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String pool;
    private final SharedIndexInformer<VmAssignment> watch;
    private final Map<String, CompletableFuture<Long>> assigned = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Long>> gone = new ConcurrentHashMap<>();
    private final AtomicInteger runs = new AtomicInteger();

    ClosedLoop(KubernetesClient client, String namespace, String pool) {
        this.client = client;
        this.namespace = namespace;
        this.pool = pool;
        this.watch = client.resources(VmAssignment.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(VmAssignment request) {
                seen(request);
            }

            @Override
            public void onUpdate(VmAssignment before, VmAssignment after) {
                seen(after);
            }

            @Override
            public void onDelete(VmAssignment request, boolean unknown) {
                CompletableFuture<Long> future = gone.remove(request.getMetadata().getName());
                if (future != null) {
                    future.complete(System.nanoTime());
                }
            }
        }, 0);
    }

    private void seen(VmAssignment request) {
        boolean isAssigned = AssignmentReason.ASSIGNED.reason().equals(Invariants.assignedCondition(request)
                .map(Condition::getReason).orElse(""));
        if (isAssigned) {
            CompletableFuture<Long> future = assigned.remove(request.getMetadata().getName());
            if (future != null) {
                future.complete(System.nanoTime());
            }
        }
    }

    /**
     * Runs {@code clients} loops for {@code warmup + measure}, then waits until every request of the run is gone.
     */
    Result run(int clients, Duration warmup, Duration measure) throws InterruptedException {
        int run = runs.incrementAndGet();
        long start = System.nanoTime();
        long from = start + warmup.toNanos();
        long to = from + measure.toNanos();
        Queue<Long> assignLatencies = new ConcurrentLinkedQueue<>();
        Queue<Long> releaseLatencies = new ConcurrentLinkedQueue<>();
        Queue<CompletableFuture<Long>> releases = new ConcurrentLinkedQueue<>();
        AtomicInteger cycles = new AtomicInteger();
        AtomicInteger allCycles = new AtomicInteger();
        AtomicInteger timeouts = new AtomicInteger();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                threads.submit(() -> {
                    for (int cycle = 0; System.nanoTime() < to; cycle++) {
                        String name = String.format("r%d-c%02d-%05d", run, client, cycle);
                        CompletableFuture<Long> isAssigned = new CompletableFuture<>();
                        CompletableFuture<Long> isGone = new CompletableFuture<>();
                        assigned.put(name, isAssigned);
                        gone.put(name, isGone);
                        long created = System.nanoTime();
                        create(name, String.format("u%d-%02d-%05d", run, client, cycle));
                        long seen;
                        try {
                            seen = isAssigned.get(ASSIGNMENT_PATIENCE.toSeconds(), TimeUnit.SECONDS);
                        } catch (TimeoutException e) {
                            timeouts.incrementAndGet();
                            assigned.remove(name);
                            delete(name);
                            releases.add(isGone);
                            continue;
                        }
                        allCycles.incrementAndGet();
                        if (seen >= from && seen < to) {
                            cycles.incrementAndGet();
                            assignLatencies.add(seen - created);
                        }
                        long deleted = System.nanoTime();
                        delete(name);
                        releases.add(isGone.thenApply(at -> {
                            if (seen >= from && seen < to) {
                                releaseLatencies.add(at - deleted);
                            }
                            return at;
                        }));
                    }
                    return null;
                });
            }
        }
        for (CompletableFuture<Long> release : releases) {
            try {
                release.get(ASSIGNMENT_PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("a request of the closed loop was not gone within a minute", e);
            }
        }
        return new Result(clients, measure, cycles.get(), allCycles.get(), Latencies.of(assignLatencies),
                Latencies.of(releaseLatencies), timeouts.get());
    }

    private void create(String name, String user) {
        VmAssignment request = new VmAssignment();
        request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                .withFinalizers(List.of(MetadataKeys.FINALIZER))
                .withLabels(Map.of(MetadataKeys.POOL_LABEL, pool, MetadataKeys.USER_LABEL, user))
                .withAnnotations(Map.of(MetadataKeys.GRANTED_BY_ANNOTATION, "role:user")).build());
        request.setSpec(new VmAssignmentSpec(pool, user));
        client.resources(VmAssignment.class).inNamespace(namespace).resource(request).create();
    }

    private void delete(String name) {
        VmAssignment stub = new VmAssignment();
        stub.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        client.resources(VmAssignment.class).inNamespace(namespace).resource(stub).delete();
    }

    @Override
    public void close() {
        watch.stop();
    }
}
