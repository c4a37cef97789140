package dev.vmpools.scheduler;

import dev.vmpools.controlplane.BenchmarksFile;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ./vmpools bench} for the scheduler (issue 5), writing its section of BENCHMARKS.md: closed-loop clients
 * (create, Assigned seen by a watch, delete) at 1, 10 and 50 clients for pools of 10, 1,000 and 10,000 VMs, the
 * scheduler running as a JVM of its own with the Deployment's flags; the same writes an assignment needs issued by
 * a plain client with the scheduler's identity at the same concurrency; the scheduler's resident memory with 10,000
 * VMs after a full collection. Targets are reported, not asserted.
 *
 * <p>{@code -Dvmpools.bench.measure=SECONDS} (15) and {@code -Dvmpools.bench.warmup=SECONDS} (4) set each run's
 * window; {@code -Dvmpools.bench.jfr=true} records the scheduler JVM with JFR into {@code target/};
 * {@code -Dvmpools.bench.sizes=10,1000,10000} sets the pool sizes (a quick trial with smaller ones);
 * {@code -Dvmpools.bench.nmt=true} adds native memory tracking to the scheduler JVM and prints its summary and the
 * head of its class histogram;
 * {@code -Dvmpools.bench.jvmFlags="..."} tries other flags for the scheduler JVM. With any of the last four the
 * figures are only printed, not written to BENCHMARKS.md.
 */
@ExtendWith(ControlPlaneExtension.class)
class SchedulerBench {
    private static final int[] POOL_SIZES = java.util.Arrays.stream(System.getProperty("vmpools.bench.sizes",
            "10,1000,10000").split(",")).mapToInt(Integer::parseInt).toArray();
    private static final int[] CLIENTS = {1, 10, 50};
    private static final Duration WARMUP = Duration.ofSeconds(Long.getLong("vmpools.bench.warmup", 4));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("vmpools.bench.measure", 15));
    private static final int CREATE_CONCURRENCY = 32;
    private static final String POOL = "bench";
    private static final long MIB = 1024 * 1024;
    private static final long MB = 1000 * 1000;

    private record Cell(int vms, ClosedLoop.Result loop, ApiRequests requests, double plans, CpuTimes cpu) {
    }

    private record Startup(int vms, Duration toReady) {
    }

    @Test
    void closedLoopAssignmentsAgainstPlainWritesAndMemoryWithTenThousandVms(ControlPlane cp) throws Exception {
        Instant began = Instant.now();
        String load = BenchmarksFile.loadAverage();
        KubernetesClient root = cp.client(TestUser.ROOT);
        TestCluster.install(cp);
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        Map<Integer, String> namespaces = new LinkedHashMap<>();
        for (int size : POOL_SIZES) {
            namespaces.put(size, namespace(cp, "bench-" + size + "-" + suffix));
        }
        String plainNamespace = namespace(cp, "bench-plain-" + suffix);

        // VMs once, concurrently; every run below reuses them.
        Instant creating = Instant.now();
        int created = createVms(cp, namespaces);
        Duration creation = Duration.between(creating, Instant.now());
        PlainWrites.prepare(new PoolScene(cp, plainNamespace), root, CLIENTS[CLIENTS.length - 1]);
        log("%d VMs created in %.1f s (%.0f/s)", created, seconds(creation), created / seconds(creation));

        List<Cell> cells = new ArrayList<>();
        List<Startup> startups = new ArrayList<>();
        long rss = 0;
        String heap = "";
        List<String> flags = new ArrayList<>(SchedulerProcess.DEPLOYMENT_JVM_FLAGS);
        flags.add(SchedulerProcess.DEPLOYMENT_MEMORY_LIMIT);
        String otherFlags = System.getProperty("vmpools.bench.jvmFlags", "");
        if (!otherFlags.isBlank()) {
            flags = List.of(otherFlags.trim().split("\\s+"));
        }
        for (int size : POOL_SIZES) {
            String namespace = namespaces.get(size);
            List<String> jvm = new ArrayList<>(flags);
            if (Boolean.getBoolean("vmpools.bench.nmt")) {
                jvm.add("-XX:NativeMemoryTracking=summary");
            }
            if (Boolean.getBoolean("vmpools.bench.jfr")) {
                jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                        + Path.of("target", "scheduler-bench-" + size + ".jfr").toAbsolutePath());
            }
            Instant starting = Instant.now();
            try (SchedulerProcess scheduler = SchedulerProcess.start(cp, namespace, jvm,
                    "scheduler-bench-" + size + ".log").awaitReady();
                    ClosedLoop loop = new ClosedLoop(root, namespace, POOL)) {
                startups.add(new Startup(size, Duration.between(starting, Instant.now())));
                Map<String, Long> pids = pids(cp, scheduler.pid());
                for (int clients : CLIENTS) {
                    ApiRequests before = ApiRequests.read(cp);
                    double plansBefore = counter(scheduler.metrics(), "vmpools_scheduler_plans_total");
                    CpuTimes cpuBefore = CpuTimes.read(pids);
                    ClosedLoop.Result result = loop.run(clients, WARMUP, MEASURE);
                    CpuTimes cpu = CpuTimes.read(pids).since(cpuBefore);
                    ApiRequests requests = ApiRequests.read(cp).since(before);
                    double plans = counter(scheduler.metrics(), "vmpools_scheduler_plans_total") - plansBefore;
                    cells.add(new Cell(size, result, requests, plans, cpu));
                    log("%,d VMs, %d clients: %.1f assignments/s, assign %s, release %s, %d timeouts;"
                            + " %.1f API writes and %.2f plans per assignment: %s; CPU ms per assignment: %s", size,
                            clients, result.perSecond(), result.assign(), result.release(), result.timeouts(),
                            requests.writes() / result.allCycles(), plans / result.allCycles(),
                            requests.writesPer(result.allCycles()), cpu.per(result.allCycles()));
                }
                if (size == POOL_SIZES[POOL_SIZES.length - 1]) {
                    rss = scheduler.residentAfterFullGc();
                    heap = scheduler.jcmd("GC.heap_info");
                    log("scheduler RSS after a full GC with %,d VMs: %d MiB (%d MB)%n%s", size, rss / MIB, rss / MB, heap);
                    if (Boolean.getBoolean("vmpools.bench.nmt")) {
                        log("%s", scheduler.jcmd("VM.native_memory", "summary"));
                        log("%s", scheduler.jcmd("GC.class_histogram").lines().limit(40)
                                .collect(java.util.stream.Collectors.joining("\n")));
                    }
                }
            }
        }

        Map<Integer, PlainWrites.Result> plain = new LinkedHashMap<>();
        Map<Integer, CpuTimes> plainCpu = new LinkedHashMap<>();
        try (KubernetesClient scheduler = cp.newClient(TestUser.SCHEDULER)) {
            PlainWrites writes = new PlainWrites(scheduler, plainNamespace);
            Map<String, Long> pids = pids(cp, -1);
            for (int clients : CLIENTS) {
                ApiRequests before = ApiRequests.read(cp);
                CpuTimes cpuBefore = CpuTimes.read(pids);
                PlainWrites.Result result = writes.run(clients, WARMUP, MEASURE);
                CpuTimes cpu = CpuTimes.read(pids).since(cpuBefore);
                ApiRequests requests = ApiRequests.read(cp).since(before);
                plain.put(clients, result);
                plainCpu.put(clients, cpu);
                log("plain writes, %d clients: %.1f write sets/s, %s; API writes per set: %s; CPU ms per set: %s",
                        clients, result.perSecond(), result.latencies(), requests.writesPer(result.allSets()),
                        cpu.per(result.allSets()));
            }
        }

        String section = report(began, load, created, creation, startups, cells, plain, plainCpu, rss, heap);
        log("%s", section);
        boolean trial = !otherFlags.isBlank() || Boolean.getBoolean("vmpools.bench.jfr")
                || Boolean.getBoolean("vmpools.bench.nmt") || System.getProperty("vmpools.bench.sizes") != null;
        if (trial) {
            log("not written to BENCHMARKS.md: a trial with other pool sizes, JVM flags, JFR or NMT");
        } else {
            BenchmarksFile.writeSection("scheduler", section);
        }
        for (int size : POOL_SIZES) {
            root.namespaces().withName(namespaces.get(size)).delete();
        }
        root.namespaces().withName(plainNamespace).delete();
    }

    // ---------------------------------------------------------------- setting up

    private static String namespace(ControlPlane cp, String name) {
        cp.client(TestUser.ROOT).namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .endMetadata().build()).create();
        TestCluster.makePoolNamespace(cp, name);
        new PoolScene(cp, name).pool(POOL, "PT1H");
        return name;
    }

    private static int createVms(ControlPlane cp, Map<Integer, String> namespaces) throws InterruptedException {
        KubernetesClient root = cp.client(TestUser.ROOT);
        Semaphore slots = new Semaphore(CREATE_CONCURRENCY);
        AtomicInteger created = new AtomicInteger();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<Integer, String> entry : namespaces.entrySet()) {
                for (int i = 0; i < entry.getKey(); i++) {
                    String name = String.format("vm-%05d", i);
                    String namespace = entry.getValue();
                    slots.acquire();
                    threads.submit(() -> {
                        try {
                            root.genericKubernetesResources(VirtualMachine.GROUP + "/" + VirtualMachine.VERSION,
                                    VirtualMachine.KIND).inNamespace(namespace).resource(PoolScene.vmResource(name, POOL)).create();
                            created.incrementAndGet();
                        } finally {
                            slots.release();
                        }
                        return null;
                    });
                }
            }
        }
        return created.get();
    }

    // ---------------------------------------------------------------- reporting

    private static String report(Instant began, String load, int created, Duration creation, List<Startup> startups,
            List<Cell> cells, Map<Integer, PlainWrites.Result> plain, Map<Integer, CpuTimes> plainCpu, long rss,
            String heap) {
        StringBuilder md = new StringBuilder();
        md.append("## Scheduler: closed-loop assignments against plain writes (issue 5)\n\n");
        md.append(BenchmarksFile.machine(began, load)).append("\n\n");
        md.append(String.format(Locale.ROOT, """
                `SchedulerBench` (`./vmpools bench`): one etcd (`--unsafe-no-fsync`), kube-apiserver and \
                kube-controller-manager on this machine; the scheduler a JVM of its own with the Deployment's flags \
                (`%s`, and `%s` for its 768Mi limit), acting as its service account, one pool per namespace, leader \
                election off. %,d VMs created once with %d concurrent creates in %.0f s (%.0f/s) and reused. \
                Scheduler start to ready (caches listed): %s.

                Closed loop: each client creates a VmAssignment (finalizer, labels and `granted-by` set as the \
                webhook admits it), waits until its watch shows `Assigned`, deletes it and starts over at once, \
                for a new user each time (no sticky return: every assignment chooses among the free VMs, never \
                used first, so with 1,000 and 10,000 VMs most assignments take a VM never used before: Lease \
                created, VM started). %d s warm-up, %d s measured per row. Latency: create call to the watch \
                event. Release: delete call to the request gone (the scheduler keeps the finalizer for a 3 s grace \
                after giving the VM back). Plain writes: each client updates its own VM's Lease with the \
                resourceVersion, commits `status.assignment` with the tested JSON patch, patches `spec.vm.state` \
                and writes the VmAssignment status, one after the other, as the scheduler's service account with \
                the same patches. Efficiency: assignments/s ÷ plain write sets/s at the same concurrency. API \
                writes per assignment are counted by the API server (`apiserver_request_total`) over the whole \
                run, the clients' create and delete included.

                """, String.join(" ", SchedulerProcess.DEPLOYMENT_JVM_FLAGS), SchedulerProcess.DEPLOYMENT_MEMORY_LIMIT,
                created, CREATE_CONCURRENCY, seconds(creation), created / seconds(creation),
                String.join(", ", startups.stream().map(s -> String.format(Locale.ROOT, "%.1f s with %,d VMs",
                        seconds(s.toReady()), s.vms())).toList()),
                WARMUP.toSeconds(), MEASURE.toSeconds()));
        md.append("| VMs | clients | assignments/s | p50 ms | p99 ms | release p50 ms | release p99 ms "
                + "| plain sets/s | efficiency | API writes per assignment | plans per assignment |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Cell cell : cells) {
            ClosedLoop.Result r = cell.loop();
            double sets = plain.get(r.clients()).perSecond();
            md.append(String.format(Locale.ROOT, "| %,d | %d | %.1f | %.0f | %.0f | %.0f | %.0f | %.1f | %.2f | %.1f"
                            + " | %.2f |%n", cell.vms(), r.clients(), r.perSecond(), r.assign().p50(), r.assign().p99(),
                    r.release().p50(), r.release().p99(), sets, r.perSecond() / sets,
                    cell.requests().writes() / r.allCycles(), cell.plans() / r.allCycles()));
        }
        long timeouts = cells.stream().mapToLong(c -> c.loop().timeouts()).sum();
        md.append(String.format(Locale.ROOT, "%nRequests not Assigned within a minute: %d.%n%n", timeouts));
        md.append("Plain writes (the four writes of one assignment, by the scheduler's identity):\n\n");
        md.append("| clients | write sets/s | p50 ms per set | p99 ms per set |\n|---:|---:|---:|---:|\n");
        plain.forEach((clients, r) -> md.append(String.format(Locale.ROOT, "| %d | %.1f | %.0f | %.0f |%n", clients,
                r.perSecond(), r.latencies().p50(), r.latencies().p99())));
        md.append("\nAPI writes per assignment at 10 clients, by kind:\n\n");
        for (Cell cell : cells) {
            if (cell.loop().clients() == 10) {
                md.append(String.format(Locale.ROOT, "- %,d VMs: %s%n", cell.vms(),
                        cell.requests().writesPer(cell.loop().allCycles())));
            }
        }
        md.append("\nCPU milliseconds per assignment (whole run), by process:\n\n");
        for (Cell cell : cells) {
            md.append(String.format(Locale.ROOT, "- %,d VMs, %d client%s: %s%n", cell.vms(), cell.loop().clients(),
                    cell.loop().clients() == 1 ? "" : "s", cell.cpu().per(cell.loop().allCycles())));
        }
        md.append("\nCPU milliseconds per plain write set (whole run), by process:\n\n");
        plainCpu.forEach((clients, cpu) -> md.append(String.format(Locale.ROOT, "- %d client%s: %s%n", clients,
                clients == 1 ? "" : "s", cpu.per(plain.get(clients).allSets()))));
        long heapUsed = heap.lines().filter(l -> l.matches("\\s*(DefNew|Tenured|def new generation|tenured"
                + " generation) .*")).mapToLong(l -> {
            Matcher used = Pattern.compile("used (\\d+)K").matcher(l);
            return used.find() ? Long.parseLong(used.group(1)) : 0;
        }).sum() / 1024;
        md.append(String.format(Locale.ROOT, "%nScheduler memory with %,d VMs (and their Leases) after the runs and"
                + " `jcmd GC.run` and `jcmd System.trim_native_heap` (which the Deployment's"
                + " `-XX:TrimNativeHeapInterval` does every 10 s): VmRSS %d MiB (%d MB), heap used %d MiB.%n%n",
                POOL_SIZES[POOL_SIZES.length - 1], rss / MIB, rss / MB, heapUsed));

        md.append("| target | measured | met |\n|---|---|---|\n");
        for (Cell cell : cells) {
            if (cell.loop().clients() == 10) {
                ClosedLoop.Result r = cell.loop();
                md.append(String.format(Locale.ROOT, "| p50 ≤ 50 ms and p99 ≤ 250 ms at 10 clients, %,d VMs |"
                                + " %.0f ms, %.0f ms | %s |%n", cell.vms(), r.assign().p50(), r.assign().p99(),
                        met(r.assign().p50() <= 50 && r.assign().p99() <= 250)));
            }
        }
        double worst = cells.stream().mapToDouble(c -> c.loop().perSecond() / plain.get(c.loop().clients())
                .perSecond()).min().orElse(Double.NaN);
        double best = cells.stream().mapToDouble(c -> c.loop().perSecond() / plain.get(c.loop().clients())
                .perSecond()).max().orElse(Double.NaN);
        md.append(String.format(Locale.ROOT, "| efficiency ≥ 0.5 | %.2f to %.2f | %s |%n", worst, best,
                worst >= 0.5 ? "yes" : best >= 0.5 ? "in some rows" : "**no**"));
        for (int clients : CLIENTS) {
            double small = p50(cells, POOL_SIZES[0], clients);
            double large = p50(cells, POOL_SIZES[POOL_SIZES.length - 1], clients);
            md.append(String.format(Locale.ROOT, "| p50 with 10,000 VMs ≤ 1.5 × p50 with 10, %d client%s |"
                            + " %.0f ms vs %.0f ms (%.2f×) | %s |%n", clients, clients == 1 ? "" : "s", large, small,
                    large / small, met(large <= 1.5 * small)));
        }
        md.append(String.format(Locale.ROOT, "| RSS ≤ 300 MB with 10,000 VMs | %d MB | %s |%n", rss / MB,
                met(rss <= 300 * MB)));
        return md.toString();
    }

    /** The processes whose CPU time is reported: the control plane's servers, the scheduler, this JVM. */
    private static Map<String, Long> pids(ControlPlane cp, long scheduler) {
        Map<String, Long> pids = new LinkedHashMap<>();
        Map<String, Long> servers = cp.serverPids();
        pids.put("kube-apiserver", servers.getOrDefault("kube-apiserver", -1L));
        pids.put("etcd", servers.getOrDefault("etcd", -1L));
        if (scheduler > 0) {
            pids.put("scheduler", scheduler);
        }
        pids.put("bench clients", ProcessHandle.current().pid());
        return pids;
    }

    private static double p50(List<Cell> cells, int vms, int clients) {
        return cells.stream().filter(c -> c.vms() == vms && c.loop().clients() == clients)
                .mapToDouble(c -> c.loop().assign().p50()).findFirst().orElse(Double.NaN);
    }

    private static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    /** The sum of a Prometheus counter's samples. */
    private static double counter(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[scheduler bench] " + format + "%n", args);
    }
}
