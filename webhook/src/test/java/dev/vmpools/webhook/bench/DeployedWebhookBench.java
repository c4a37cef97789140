package dev.vmpools.webhook.bench;

import dev.vmpools.controlplane.BenchmarksFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlane.EtcdWrites;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.webhook.RunningWebhook;
import dev.vmpools.webhook.admission.Fixtures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 (b) and (c) with the webhook as deployed: a separate JVM with the Deployment's
 * {@code JAVA_TOOL_OPTIONS} and its container limits, serving TLS from files, registered with the
 * manifests' webhook configurations (by URL, limited to the bench namespace).
 *
 * <p>(b) Alice creates VmAssignments through the real API server in turn in three namespaces with the same CRD,
 * RBAC, pools and assignments: the bench namespace, where the API server calls our mutating and validating
 * webhooks; a twin outside every configuration's namespaceSelector, where it calls none; and a twin where the
 * same configurations call {@link AllowingService}, the least a webhook can do. The difference to the second is
 * what our webhooks add; the third shows how much of that any webhook pair costs. All of this on two control
 * planes in the same rounds: the shared test one, whose etcd skips fsync, and one of the benchmark's own whose
 * etcd is durable as in production (with a webhook process of its own), against which the target is judged.
 * The order of the six creates rotates every round to cancel drift.
 *
 * <p>(c) Then the open-loop generator drives the shared control plane's webhook process at 1,000 reviews per
 * second; after a full GC ({@code jcmd GC.run}) its resident set is read from {@code /proc/<pid>/status}.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployedWebhookBench {

    private static final int WARMUP_ROUNDS = 100;
    private static final int ROUNDS = 1000;
    private static final int LOAD_RATE = 1000;
    private static final double LOAD_SECONDS = 30;
    private static final double WARMUP_SECONDS = 8;
    private static final String ADMITTED_WITH_PATCH = "\"patchType\":\"JSONPatch\"";
    private static final Pattern FLAG = Pattern.compile("-XX:(MaxHeapSize|InitialHeapSize|MinHeapSize)=(\\d+)");

    @TempDir
    static Path dir;
    private static ControlPlane cp;
    private static String ns;
    private static String bare;
    private static String standIn;
    private static DeploymentFlags flags;
    private static List<String> jvmOptions;
    private static Site shared;
    private static WebhookProcess webhook;
    private static long startRssKib;

    @BeforeAll
    static void start(ControlPlane controlPlane, TestNamespace namespace) throws Exception {
        cp = controlPlane;
        ns = namespace.name();
        bare = ns + "-bare";
        standIn = ns + "-allow";
        flags = DeploymentFlags.read(cp.client(TestUser.ROOT), Binaries.repositoryRoot().resolve("manifests"));
        jvmOptions = flags.containerLimits();
        shared = Site.open(cp, dir, false);
        webhook = shared.webhook;
        startRssKib = shared.startRssKib;
    }

    @AfterAll
    static void stop() {
        if (shared != null) {
            shared.close();
        }
    }

    @Test
    @Order(1)
    void addedLatencyOfOurWebhooksThroughTheApiServer() throws Exception {
        String machine = BenchmarksFile.machine(java.time.Instant.now(), BenchmarksFile.loadAverage());
        try (Site durable = Site.open(ControlPlane.start(EtcdWrites.DURABLE), Files.createDirectories(dir.resolve("durable")), true)) {
            List<Site> sites = List.of(durable, shared);
            for (Site site : sites) {
                warmUp(site);
            }
            List<Arm> arms = new ArrayList<>();
            for (Site site : sites) {
                arms.add(new Arm(site, ns, true));
                arms.add(new Arm(site, bare, false));
                arms.add(new Arm(site, standIn, false));
            }
            Map<Site, CallTimes> before = new HashMap<>();
            CpuPressure pressureBefore = null;
            for (int k = 0; k < WARMUP_ROUNDS + ROUNDS; k++) {
                boolean record = k >= WARMUP_ROUNDS;
                if (k == WARMUP_ROUNDS) {
                    for (Site site : sites) {
                        before.put(site, CallTimes.read(site));
                    }
                    pressureBefore = CpuPressure.now();
                }
                String name = "alice-" + k;
                String pool = BenchState.benchPool(k);
                // Each arm goes first, second, ... and sixth equally often.
                for (int a = 0; a < arms.size(); a++) {
                    Arm arm = arms.get((k + a) % arms.size());
                    long took = create(arm.site(), arm.namespace(), name, pool, arm.mutated());
                    if (record) {
                        arm.latencies().add(took);
                    }
                }
                for (Arm arm : arms) {
                    remove(arm.site().cp, arm.namespace(), name);
                }
            }
            double pressure = CpuPressure.now().percentSince(pressureBefore);
            Measured onDurable = Measured.of(arms.subList(0, 3), CallTimes.read(durable).minus(before.get(durable)));
            Measured onShared = Measured.of(arms.subList(3, 6), CallTimes.read(shared).minus(before.get(shared)));

            String section = addedLatencySection(machine, onDurable, onShared, pressure);
            System.out.println(section);
            BenchmarksFile.writeSection("webhook-api-server", section);
        }
    }

    @Test
    @Order(2)
    void residentMemoryAfterLoadAndAFullGc() throws Exception {
        String machine = BenchmarksFile.machine(java.time.Instant.now(), BenchmarksFile.loadAverage());
        Path ca = Files.writeString(dir.resolve("ca.pem"), cp.authority().caPem());
        Map<String, LoadGenerator.Result> results = new LoadGenerator(dir, webhook.port(), ca, 8)
                .phase("load", "/mutate/vmassignments", review(Fixtures.ASSIGNMENT_CREATE_MUTATE), ADMITTED_WITH_PATCH, LOAD_RATE, LOAD_SECONDS)
                .run(Duration.ofMinutes(3));
        LoadGenerator.Result load = results.get("load");
        assertThat(load.failed()).isZero();
        assertThat(load.unexpected()).isZero();

        long underLoadKib = webhook.statusKib("VmRSS");
        long peakKib = webhook.statusKib("VmHWM");
        webhook.jcmd("GC.run");
        long afterGcKib = webhook.statusKib("VmRSS");
        // What it is made of, read after the figure: heap, metaspace, code, and what glibc keeps of freed memory.
        String heap = webhook.jcmd("GC.heap_info");
        String metaspace = webhook.jcmd("VM.metaspace", "basic");
        String codeCache = webhook.jcmd("Compiler.codecache");
        String vmFlags = webhook.jcmd("VM.flags");
        webhook.jcmd("System.trim_native_heap");
        long afterTrimKib = webhook.statusKib("VmRSS");
        MemoryParts parts = MemoryParts.of(webhook, heap, metaspace, codeCache, afterGcKib, afterTrimKib);

        String section = memorySection(machine, load, underLoadKib, peakKib, afterGcKib, parts, vmFlags);
        System.out.println(section);
        BenchmarksFile.writeSection("webhook-memory", section);
    }

    /**
     * A deployed webhook has long been running: its JIT compilers have seen both CREATE paths many thousand
     * times, which the measured creates alone would not give it.
     */
    private static void warmUp(Site site) throws IOException, InterruptedException {
        Path ca = Files.writeString(site.dir.resolve("ca.pem"), site.cp.authority().caPem());
        new LoadGenerator(site.dir, site.webhook.port(), ca, 4)
                .phase("warmup-mutate", "/mutate/vmassignments", review(site.dir, Fixtures.ASSIGNMENT_CREATE_MUTATE), ADMITTED_WITH_PATCH, 0, WARMUP_SECONDS)
                .phase("warmup-validate", "/validate/vmassignments", review(site.dir, Fixtures.ASSIGNMENT_CREATE_VALIDATE), "\"allowed\":true", 0, WARMUP_SECONDS)
                .run(Duration.ofMinutes(2));
    }

    /** A fixture review, in the bench namespace. */
    private static Path review(String fixture) throws IOException {
        return review(dir, fixture);
    }

    private static Path review(Path folder, String fixture) throws IOException {
        byte[] review = new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8).replace("vmop-dev", ns).getBytes(StandardCharsets.UTF_8);
        return Files.write(folder.resolve(fixture), review);
    }

    /**
     * One control plane the creates go through: the three namespaces populated alike, our webhook's process
     * following this plane's pools and assignments, both registrations, and alice's HTTP client, which trusts
     * this plane's CA.
     */
    private static final class Site implements AutoCloseable {
        private final ControlPlane cp;
        private final Path dir;
        private final boolean ownsPlane;
        private HttpClient client;
        private WebhookProcess webhook;
        private long startRssKib;
        private WebhookRegistration ourRegistration;
        private WebhookRegistration standInRegistration;

        private Site(ControlPlane cp, Path dir, boolean ownsPlane) {
            this.cp = cp;
            this.dir = dir;
            this.ownsPlane = ownsPlane;
        }

        /** Prepares {@code cp} for the creates; stops it when this site closes (or fails to open) if it {@code ownsPlane}. */
        static Site open(ControlPlane cp, Path dir, boolean ownsPlane) throws Exception {
            Site site = new Site(cp, dir, ownsPlane);
            try {
                site.prepare();
                return site;
            } catch (Exception | Error e) {
                site.close();
                throw e;
            }
        }

        private void prepare() throws Exception {
            client = HttpClient.newBuilder().sslContext(trusting(cp)).connectTimeout(Duration.ofSeconds(5)).build();
            KubernetesClient root = cp.client(TestUser.ROOT);
            for (String n : List.of(ns, bare, standIn)) {
                if (root.namespaces().withName(n).get() == null) {
                    root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(n).endMetadata().build()).create();
                }
            }
            RunningWebhook.install(cp);
            for (String n : List.of(ns, bare, standIn)) {
                RunningWebhook.bindUsersAndWebhook(cp, n);
                BenchState.populate(cp, n);
            }
            webhook = WebhookProcess.start(cp, dir, jvmOptions, flags.javaToolOptions(), ns);
            startRssKib = webhook.statusKib("VmRSS");
            ourRegistration = WebhookRegistration.register(cp, webhook.port(), ns);
            standInRegistration = WebhookRegistration.registerStandIn(cp, webhook.allowingPort(), standIn);
        }

        @Override
        public void close() {
            if (ourRegistration != null) {
                ourRegistration.close();
            }
            if (standInRegistration != null) {
                standInRegistration.close();
            }
            if (webhook != null) {
                webhook.close();
            }
            if (client != null) {
                client.close();
            }
            if (ownsPlane) {
                cp.close();
            } else {
                for (String n : List.of(bare, standIn)) {
                    cp.client(TestUser.ROOT).namespaces().withName(n).delete();
                }
            }
        }
    }

    /** Where alice's creates go: a control plane, a namespace, whether our webhooks mutate them there, and their times. */
    private record Arm(Site site, String namespace, boolean mutated, Latencies latencies) {
        Arm(Site site, String namespace, boolean mutated) {
            this(site, namespace, mutated, new Latencies());
        }
    }

    /** What one control plane's three arms measured, and its servers' counters over the measured rounds. */
    private record Measured(Latencies with, Latencies without, Latencies standIn, CallTimes calls) {
        /** From the arms with ours, without webhooks and with the stand-in, in that order. */
        static Measured of(List<Arm> arms, CallTimes calls) {
            return new Measured(arms.get(0).latencies(), arms.get(1).latencies(), arms.get(2).latencies(), calls);
        }

        double ms(Latencies latencies, double percentile) {
            return latencies.percentile(percentile) / 1e6;
        }

        double addedMs(double percentile) {
            return ms(with, percentile) - ms(without, percentile);
        }

        double standInAddedMs(double percentile) {
            return ms(standIn, percentile) - ms(without, percentile);
        }

        double meanAddedMs() {
            return (with.meanNanos() - without.meanNanos()) / 1e6;
        }

        double standInMeanAddedMs() {
            return (standIn.meanNanos() - without.meanNanos()) / 1e6;
        }

        /** Added by ours at p50 as a share of the create without webhooks. */
        double share() {
            return addedMs(50) / ms(without, 50);
        }
    }

    /** Creates a VmAssignment as alice; answers the time from send to the 201, in nanoseconds. */
    private static long create(Site site, String namespace, String name, String pool, boolean mutated)
            throws IOException, InterruptedException {
        String json = """
                {"apiVersion":"vmpools.dev/v1alpha1","kind":"VmAssignment","metadata":{"name":"%s"},"spec":{"pool":"%s"}}"""
                .formatted(name, pool);
        HttpRequest request = HttpRequest.newBuilder(URI.create(site.cp.apiServerUrl() + "/apis/vmpools.dev/v1alpha1/namespaces/"
                        + namespace + "/vmassignments"))
                .header("Authorization", "Bearer " + TestUser.ALICE.token())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        long sent = System.nanoTime();
        HttpResponse<String> response = site.client.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - sent;
        assertThat(response.statusCode()).as("%s/%s: %s", namespace, name, response.body()).isEqualTo(201);
        assertThat(response.body().contains(MetadataKeys.FINALIZER)).as("mutated by our webhook: %s", response.body()).isEqualTo(mutated);
        return took;
    }

    /** As root, whom no webhook sees: without a scheduler nobody else removes the finalizer. */
    private static void remove(ControlPlane plane, String namespace, String name) {
        KubernetesClient root = plane.client(TestUser.ROOT);
        var resource = root.resources(VmAssignment.class).inNamespace(namespace).withName(name);
        try {
            resource.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
        resource.delete();
    }

    private static SSLContext trusting(ControlPlane plane) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", plane.authority().ca());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return tls;
    }

    /**
     * Where the added time goes, from the servers' own metrics: the API server's time in our VmAssignment CREATE
     * webhook calls ({@code apiserver_admission_webhook_admission_duration_seconds}, mutating and validating), and
     * the webhook's time from reading a request to its answer ({@code vmpools_admission_duration_seconds}); and
     * etcd's time syncing its write-ahead log and committing its backend, which shows whether it syncs at all.
     */
    record CallTimes(double apiServerSeconds, double apiServerCalls, double standInSeconds, double standInCalls,
                     double webhookSeconds, double webhookCalls, double walFsyncSeconds, double walFsyncs,
                     double backendCommitSeconds, double backendCommits) {

        private static final String OUR_CREATE_CALLS = "(?=.*name=\"vmassignments\\.(mutate|validate)\\.vmpools\\.dev\")"
                + "(?=.*operation=\"CREATE\").*";
        private static final String STAND_IN_CREATE_CALLS = "(?=.*name=\"stand-in\\.vmassignments\\.(mutate|validate)\\.vmpools\\.dev\")"
                + "(?=.*operation=\"CREATE\").*";
        private static final String WEBHOOK_CREATES = "(?=.*kind=\"VmAssignment\")(?=.*operation=\"CREATE\").*";

        static CallTimes read(Site site) throws IOException, InterruptedException {
            String api = site.cp.get(TestUser.ROOT, "/metrics", "text/plain").body();
            String own = site.client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + site.webhook.port() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            String etcd = site.client.send(HttpRequest.newBuilder(site.cp.etcdUrl().resolve("/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return new CallTimes(
                    PrometheusText.sum(api, "apiserver_admission_webhook_admission_duration_seconds_sum", l -> l.matches(OUR_CREATE_CALLS)),
                    PrometheusText.sum(api, "apiserver_admission_webhook_admission_duration_seconds_count", l -> l.matches(OUR_CREATE_CALLS)),
                    PrometheusText.sum(api, "apiserver_admission_webhook_admission_duration_seconds_sum", l -> l.matches(STAND_IN_CREATE_CALLS)),
                    PrometheusText.sum(api, "apiserver_admission_webhook_admission_duration_seconds_count", l -> l.matches(STAND_IN_CREATE_CALLS)),
                    PrometheusText.sum(own, "vmpools_admission_duration_seconds_sum", l -> l.matches(WEBHOOK_CREATES)),
                    PrometheusText.sum(own, "vmpools_admission_duration_seconds_count", l -> l.matches(WEBHOOK_CREATES)),
                    PrometheusText.sum(etcd, "etcd_disk_wal_fsync_duration_seconds_sum", l -> true),
                    PrometheusText.sum(etcd, "etcd_disk_wal_fsync_duration_seconds_count", l -> true),
                    PrometheusText.sum(etcd, "etcd_disk_backend_commit_duration_seconds_sum", l -> true),
                    PrometheusText.sum(etcd, "etcd_disk_backend_commit_duration_seconds_count", l -> true));
        }

        CallTimes minus(CallTimes earlier) {
            return new CallTimes(apiServerSeconds - earlier.apiServerSeconds, apiServerCalls - earlier.apiServerCalls,
                    standInSeconds - earlier.standInSeconds, standInCalls - earlier.standInCalls,
                    webhookSeconds - earlier.webhookSeconds, webhookCalls - earlier.webhookCalls,
                    walFsyncSeconds - earlier.walFsyncSeconds, walFsyncs - earlier.walFsyncs,
                    backendCommitSeconds - earlier.backendCommitSeconds, backendCommits - earlier.backendCommits);
        }

        /** Mean milliseconds per measured round (one create of each kind on this plane). */
        double perRoundMs(double seconds) {
            return 1000 * seconds / ROUNDS;
        }

        double meanWalFsyncMs() {
            return walFsyncs == 0 ? 0 : 1000 * walFsyncSeconds / walFsyncs;
        }

        double meanBackendCommitMs() {
            return backendCommits == 0 ? 0 : 1000 * backendCommitSeconds / backendCommits;
        }
    }

    private static String addedLatencySection(String machine, Measured durable, Measured noFsync, double pressure) {
        StringBuilder md = new StringBuilder();
        md.append("## Webhook: added latency of VmAssignment creates through the API server (issue 4 b)\n\n");
        md.append(machine).append("\n\n");
        md.append(String.format(Locale.ROOT, """
                Two baselines, measured in the same rounds on two control planes set up alike:

                - **Durable etcd — production-like; the target is judged against this one.** A control plane of this \
                benchmark's own whose etcd syncs its write-ahead log to disk before it answers, as every production \
                etcd does (`ControlPlane.start(EtcdWrites.DURABLE)`). On this machine's disk a WAL fsync took %.3f ms \
                on average during the measured rounds (`etcd_disk_wal_fsync_duration_seconds`: %,.0f fsyncs, %.1f per \
                round of three creates, three finalizer removals and three deletes; backend commits %.3f ms). etcd \
                asks of production disks a p99 under 10 ms, so on many real clusters a create takes longer than here \
                and the same added time is a smaller share of it.
                - **No fsync — the shared test control plane** of every integration test, whose etcd runs with \
                `--unsafe-no-fsync`: its writes reach the page cache only (%,.0f WAL fsyncs counted in the measured \
                rounds). No production etcd runs like that; its create without webhooks is cheaper than any real \
                cluster's, so the same added time is a larger share of it.

                %,d rounds of VmAssignment creates by alice (group `user`, bound to `vmpools-user`), after %d rounds \
                of warm-up, each round one create in each of three namespaces on each control plane, all with the \
                same CRD, RBAC, pools (%d) and VmAssignments (%d): one where the API server calls our mutating and \
                validating webhooks (`manifests/webhooks`, registered by URL with a namespaceSelector on that \
                namespace); one outside every selector, where it calls none; and one where the same two \
                configurations point at a stand-in that only parses the review and allows it (no rule, no patch), to \
                show what any webhook pair costs here. The order of the six creates rotates every round; every object \
                is removed (as root) before the next round. Sequential POSTs from a JDK HttpClient (HTTP/2, TLS) to \
                the real kube-apiserver; the time of each is the client's, from send to the 201. Our webhook is a \
                separate JVM per control plane (Deployment flags, container limits `%s`; the shared plane's is the one \
                of the memory benchmark below), each warmed up first as a long-running replica would be: %s s of \
                saturating mutate and validate reviews from the load generator; the stand-in runs in the same JVM on \
                a port of its own. CPU pressure during the measured rounds (share of time in which some task on the \
                machine waited for a CPU, `/proc/pressure/cpu`): %s.
                """, durable.calls().meanWalFsyncMs(), durable.calls().walFsyncs(), durable.calls().walFsyncs() / ROUNDS,
                durable.calls().meanBackendCommitMs(), noFsync.calls().walFsyncs(),
                ROUNDS, WARMUP_ROUNDS, 1 + BenchState.BENCH_POOLS + BenchState.TEAM_POOLS, BenchState.ASSIGNMENTS,
                String.join(" ", jvmOptions), fmt(2 * WARMUP_SECONDS), AdmissionThroughputBench.percent(pressure)));
        md.append(String.format(Locale.ROOT, """

                | creates, ms (%,d of each) | durable etcd p50 | p90 | p99 | mean | no fsync p50 | p90 | p99 | mean |
                |---|---:|---:|---:|---:|---:|---:|---:|---:|
                """, ROUNDS));
        md.append(row("without webhooks", durable.without(), noFsync.without()));
        md.append(row("with the allow-only stand-in pair", durable.standIn(), noFsync.standIn()));
        md.append(row("with our webhooks", durable.with(), noFsync.with()));
        md.append(addedRow("**added by ours**", durable, noFsync, m -> m::addedMs, Measured::meanAddedMs, true));
        md.append(addedRow("added by the stand-in", durable, noFsync, m -> m::standInAddedMs, Measured::standInMeanAddedMs, false));
        md.append(addedRow("added by ours beyond the stand-in", durable, noFsync, m -> p -> m.addedMs(p) - m.standInAddedMs(p),
                m -> m.meanAddedMs() - m.standInMeanAddedMs(), false));
        md.append(String.format(Locale.ROOT, """

                Added by ours at p50: **%.2f ms = %.0f %% of the durable create without webhooks** (the stand-in: \
                %.2f ms = %.0f %%); against the no-fsync test baseline %.2f ms = %.0f %% (the stand-in: %.2f ms = \
                %.0f %%). At p99: %.2f ms = %.0f %% durable (the stand-in: %.2f ms), %.2f ms = %.0f %% without fsync \
                (the stand-in: %.2f ms).
                """, durable.addedMs(50), 100 * durable.share(), durable.standInAddedMs(50),
                100 * durable.standInAddedMs(50) / durable.ms(durable.without(), 50),
                noFsync.addedMs(50), 100 * noFsync.share(), noFsync.standInAddedMs(50),
                100 * noFsync.standInAddedMs(50) / noFsync.ms(noFsync.without(), 50),
                durable.addedMs(99), 100 * durable.addedMs(99) / durable.ms(durable.without(), 99), durable.standInAddedMs(99),
                noFsync.addedMs(99), 100 * noFsync.addedMs(99) / noFsync.ms(noFsync.without(), 99), noFsync.standInAddedMs(99)));
        md.append(String.format(Locale.ROOT, """

                Where the added time goes (means per create over the measured rounds, from the servers' metrics):

                | ms per create (mean) | durable etcd | no fsync |
                |---|---:|---:|
                | added by ours in all | %.2f | %.2f |
                | the API server's time in our webhook calls (`apiserver_admission_webhook_admission_duration_seconds`; %s calls per create) | %.2f | %.2f |
                | · of which our webhook, from reading a request to its answer (`vmpools_admission_duration_seconds`; %s calls per create) | %.2f | %.2f |
                | · of which the calls' transport (the API server encoding the review and decoding the answer, HTTP and TLS on both sides, waking the webhook's process) | %.2f | %.2f |
                | the API server's work outside the calls (applying the patch, decoding and validating the mutated object, the larger object stored) | %.2f | %.2f |
                | for comparison: the API server's time in the stand-in's calls | %.2f | %.2f |
                """, durable.meanAddedMs(), noFsync.meanAddedMs(),
                perCreate(durable.calls().apiServerCalls(), noFsync.calls().apiServerCalls()),
                durable.calls().perRoundMs(durable.calls().apiServerSeconds()), noFsync.calls().perRoundMs(noFsync.calls().apiServerSeconds()),
                perCreate(durable.calls().webhookCalls(), noFsync.calls().webhookCalls()),
                durable.calls().perRoundMs(durable.calls().webhookSeconds()), noFsync.calls().perRoundMs(noFsync.calls().webhookSeconds()),
                transportMs(durable), transportMs(noFsync), outsideCallsMs(durable), outsideCallsMs(noFsync),
                durable.calls().perRoundMs(durable.calls().standInSeconds()), noFsync.calls().perRoundMs(noFsync.calls().standInSeconds())));
        md.append("\nTargets:\n\n");
        md.append(String.format(Locale.ROOT, "- at most 30 %% added at p50, judged against the durable (production-like) baseline: "
                        + "%.0f %% (%+.2f ms on %.2f ms) — **%s**\n", 100 * durable.share(), durable.addedMs(50),
                durable.ms(durable.without(), 50), durable.share() <= 0.30 ? "met" : "not met"));
        md.append(String.format(Locale.ROOT, "- for reference, not the target's baseline: against the no-fsync test control plane "
                        + "%.0f %% (%+.2f ms on %.2f ms)\n", 100 * noFsync.share(), noFsync.addedMs(50),
                noFsync.ms(noFsync.without(), 50)));
        return md.toString();
    }

    /** Calls per create on each plane: one figure when they agree. */
    private static String perCreate(double durableCalls, double noFsyncCalls) {
        String durable = String.format(Locale.ROOT, "%.0f", durableCalls / ROUNDS);
        String noFsync = String.format(Locale.ROOT, "%.0f", noFsyncCalls / ROUNDS);
        return durable.equals(noFsync) ? durable : durable + " and " + noFsync;
    }

    private static double transportMs(Measured m) {
        return m.calls().perRoundMs(m.calls().apiServerSeconds() - m.calls().webhookSeconds());
    }

    private static double outsideCallsMs(Measured m) {
        return m.meanAddedMs() - m.calls().perRoundMs(m.calls().apiServerSeconds());
    }

    /** A row of latencies (ms) at p50, p90, p99 and the mean on both planes. */
    private static String row(String label, Latencies durable, Latencies noFsync) {
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", label,
                durable.percentile(50) / 1e6, durable.percentile(90) / 1e6, durable.percentile(99) / 1e6, durable.meanNanos() / 1e6,
                noFsync.percentile(50) / 1e6, noFsync.percentile(90) / 1e6, noFsync.percentile(99) / 1e6, noFsync.meanNanos() / 1e6);
    }

    /** A row of differences (ms) at p50, p90, p99 and the mean on both planes; p50 and p99 in bold when {@code bold}. */
    private static String addedRow(String label, Measured durable, Measured noFsync,
                                   Function<Measured, DoubleUnaryOperator> atPercentile, ToDoubleFunction<Measured> mean, boolean bold) {
        StringBuilder row = new StringBuilder("| ").append(label);
        for (Measured m : List.of(durable, noFsync)) {
            DoubleUnaryOperator at = atPercentile.apply(m);
            String key = bold ? "**%+.2f**" : "%+.2f";
            row.append(String.format(Locale.ROOT, " | " + key + " | %+.2f | " + key + " | %+.2f", at.applyAsDouble(50),
                    at.applyAsDouble(90), at.applyAsDouble(99), mean.applyAsDouble(m)));
        }
        return row.append(" |\n").toString();
    }

    /** The parts of the resident set that the JVM can name (KiB), and what is left. */
    record MemoryParts(long heapResident, long heapCommitted, long heapUsed, long metaspaceCommitted, long codeCacheUsed,
                       long retainedByMalloc, long rest) {

        private static final Pattern GENERATION = Pattern.compile("(?m)^\\S.*?total (\\d+)K, used (\\d+)K \\[([^)\\n]*)\\)");
        private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-f]+)");
        private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used \\d+K, committed (\\d+)K");
        private static final Pattern CODE_CACHE = Pattern.compile("CodeCache: size=\\d+Kb,? used=(\\d+)Kb");

        /** Reads the parts; the heap's resident share comes from the process's mappings of the heap's address range. */
        static MemoryParts of(WebhookProcess process, String heapInfo, String metaspace, String codeCache, long rssKib,
                              long rssAfterTrimKib) throws IOException {
            long committed = 0;
            long used = 0;
            long low = Long.MAX_VALUE;
            long high = 0;
            Matcher generation = GENERATION.matcher(heapInfo);
            while (generation.find()) {
                committed += Long.parseLong(generation.group(1));
                used += Long.parseLong(generation.group(2));
                Matcher address = ADDRESS.matcher(generation.group(3));
                while (address.find()) {
                    long a = Long.parseUnsignedLong(address.group(1), 16);
                    low = Math.min(low, a);
                    high = Math.max(high, a);
                }
            }
            long heapResident = high > low ? process.residentKib(low, high) : committed;
            long meta = first(METASPACE, metaspace);
            long code = first(CODE_CACHE, codeCache);
            long retained = Math.max(0, rssKib - rssAfterTrimKib);
            return new MemoryParts(heapResident, committed, used, meta, code, retained,
                    rssKib - heapResident - meta - code - retained);
        }

        private static long first(Pattern pattern, String text) {
            Matcher matcher = pattern.matcher(text);
            return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
        }
    }

    private static String memorySection(String machine, LoadGenerator.Result load, long underLoadKib, long peakKib,
                                        long afterGcKib, MemoryParts parts, String vmFlags) {
        double afterGcMb = afterGcKib * 1024 / 1e6;
        StringBuilder md = new StringBuilder();
        md.append("## Webhook: resident memory under load with the Deployment's JVM flags (issue 4 c)\n\n");
        md.append(machine).append("\n\n");
        md.append(String.format(Locale.ROOT, """
                The webhook alone in a JVM (`Webhook.start` with TLS from files, caches of one pool namespace with \
                %d pools and %d VmAssignments), started with the Deployment's `JAVA_TOOL_OPTIONS` from \
                `manifests/workloads/webhook.yaml` (`%s`) and, standing in for its container limits (%d MiB, %d CPU), \
                `%s`. Effective heap: %s. It served %s s of saturating warm-up reviews, the API-server benchmark \
                above (%,d calls from the API server to our endpoints, as many to the stand-in in the same JVM), then \
                %,d reviews per second for %d s from the open-loop generator (8 keep-alive TLS connections; p50 %.2f \
                ms, p99 %.2f ms, %.0f/s, %d failed, CPU pressure %s). Then `jcmd <pid> GC.run`, and VmRSS from \
                `/proc/<pid>/status`.
                """, 1 + BenchState.BENCH_POOLS + BenchState.TEAM_POOLS, BenchState.ASSIGNMENTS, flags.javaToolOptions(),
                flags.memoryLimitBytes() / (1024 * 1024), flags.cpuLimit(), String.join(" ", jvmOptions), heapFlags(vmFlags),
                fmt(2 * WARMUP_SECONDS), 2 * (WARMUP_ROUNDS + ROUNDS), LOAD_RATE, (long) LOAD_SECONDS, load.p50Ms(), load.p99Ms(),
                load.throughput(), load.failed(), AdmissionThroughputBench.percent(load.cpuPressure())));
        md.append("\n| resident set (VmRSS) | MiB |\n|---|---:|\n");
        md.append(String.format(Locale.ROOT, "| after start (caches synced) | %.1f |\n", startRssKib / 1024.0));
        md.append(String.format(Locale.ROOT, "| under load (end of the 1,000/s phase) | %.1f |\n", underLoadKib / 1024.0));
        md.append(String.format(Locale.ROOT, "| peak (VmHWM) | %.1f |\n", peakKib / 1024.0));
        md.append(String.format(Locale.ROOT, "| **after a full GC** | **%.1f** |\n", afterGcKib / 1024.0));
        md.append("\nWhat the resident set after the full GC is made of (read after it with `jcmd`: `GC.heap_info`, "
                + "`VM.metaspace`, `Compiler.codecache`, then `System.trim_native_heap`):\n\n");
        md.append("| part | MiB |\n|---|---:|\n");
        md.append(String.format(Locale.ROOT, "| Java heap, resident (committed %.1f, live after the GC %.1f) | %.1f |\n",
                parts.heapCommitted() / 1024.0, parts.heapUsed() / 1024.0, parts.heapResident() / 1024.0));
        md.append(String.format(Locale.ROOT, "| Metaspace committed (class metadata) | %.1f |\n", parts.metaspaceCommitted() / 1024.0));
        md.append(String.format(Locale.ROOT, "| code cache used (JIT-compiled code) | %.1f |\n", parts.codeCacheUsed() / 1024.0));
        md.append(String.format(Locale.ROOT, "| freed native memory glibc still holds (returned by `System.trim_native_heap`) | %.1f |\n",
                parts.retainedByMalloc() / 1024.0));
        md.append(String.format(Locale.ROOT, "| the rest (CDS archive, libjvm and libraries, thread stacks, symbols, other native) | %.1f |\n",
                parts.rest() / 1024.0));
        md.append("\nTargets:\n\n");
        md.append(String.format(Locale.ROOT, "- at most 200 MB after a full GC: %.1f MB (%.1f MiB) — **%s**\n", afterGcMb,
                afterGcKib / 1024.0, afterGcMb <= 200 ? "met" : "not met"));
        return md.toString();
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    private static String heapFlags(String vmFlags) {
        List<String> parts = new ArrayList<>();
        Matcher matcher = FLAG.matcher(vmFlags);
        while (matcher.find()) {
            parts.add(matcher.group(1) + " " + Long.parseLong(matcher.group(2)) / (1024 * 1024) + " MiB");
        }
        return parts.isEmpty() ? "unknown" : String.join(", ", parts);
    }
}
