package dev.vmpools.webhook.bench;

import dev.vmpools.controlplane.BenchmarksFile;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.LocalCertificates;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.webhook.RunningWebhook;
import dev.vmpools.webhook.Webhook;
import dev.vmpools.webhook.WebhookConfig;
import dev.vmpools.webhook.WebhookServer;
import dev.vmpools.webhook.admission.Fixtures;
import dev.vmpools.webhook.cluster.InformerCaches;
import dev.vmpools.webhook.http.HttpsConnection;
import dev.vmpools.webhook.http.ReadinessCheck;
import dev.vmpools.webhook.tls.TlsMaterial;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 (a): alice's VmAssignment CREATE review, as the mutating webhook receives it, POSTed over TLS
 * keep-alive connections by an open-loop load generator in a separate process at 500, 1,000 and 2,000 per
 * second and at saturation, side by side with an echo endpoint on the same server (same Helidon listener,
 * TLS, filters and connection recycling). The webhook judges it against informer caches synced with a real
 * pool namespace ({@link BenchState}), so every request takes the real decision path: caller, pool grants,
 * active assignments of (pool, user), granted-by and the JSONPatch. Webhook and echo phases alternate
 * (echo, webhook, webhook, echo) so that a drift of the shared machine falls on both.
 */
@ExtendWith(ControlPlaneExtension.class)
class AdmissionThroughputBench {

    private static final int CONNECTIONS = 8;
    private static final List<Integer> RATES = List.of(500, 1000, 2000);
    /** Each endpoint runs ROUNDS times two phases of PHASE_SECONDS per rate, in the order echo, webhook, webhook, echo. */
    private static final int ROUNDS = 2;
    private static final double PHASE_SECONDS = 1.5;
    private static final String ADMITTED = "\"patchType\":\"JSONPatch\"";

    @Test
    void admissionReviewsBesideAnEchoOnTheSameServer(ControlPlane cp, TestNamespace namespace, @TempDir Path dir) throws Exception {
        String machine = BenchmarksFile.machine(java.time.Instant.now(), BenchmarksFile.loadAverage());
        String ns = namespace.name();
        RunningWebhook.install(cp);
        RunningWebhook.bindUsersAndWebhook(cp, ns);
        BenchState.populate(cp, ns);

        WebhookConfig config = WebhookConfig.from(Map.of("pool-namespaces", ns));
        LocalCertificates.Serving serving = cp.authority().issueServing("vmpools webhook bench");
        try (InformerCaches caches = InformerCaches.start(cp.client(TestUser.WEBHOOK), config.poolNamespaces(), config.poolReadTimeout())) {
            // Webhook.start's wiring, plus the echo beside the admission endpoints.
            WebhookServer server = WebhookServer.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .tlsMaterial(new TlsMaterial(serving.key(), List.of(serving.certificate(), serving.ca())))
                    .handlers(Webhook.handlers(config, caches, caches, InstantSource.system()))
                    .readinessCheck(new ReadinessCheck("caches", caches::synced))
                    .recycleConnectionsEvery(config.recycleConnectionsEvery())
                    .service(new EchoService())
                    .build()
                    .start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(caches::synced);
                run(machine, config, server.port(), ns, dir, cp);
            } finally {
                server.stop();
            }
        }
    }

    private void run(String machine, WebhookConfig config, int port, String ns, Path dir, ControlPlane cp) throws Exception {
        byte[] review = new String(Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE), StandardCharsets.UTF_8)
                .replace("vmop-dev", ns).getBytes(StandardCharsets.UTF_8);
        Path body = Files.write(dir.resolve("review.json"), review);
        Path ca = Files.writeString(dir.resolve("ca.pem"), cp.authority().caPem());
        try (HttpsConnection connection = HttpsConnection.open(port)) {
            HttpsConnection.Response admitted = connection.postJson("/mutate/vmassignments", review);
            assertThat(admitted.status()).isEqualTo(200);
            assertThat(admitted.text()).as("the review is admitted with a patch").contains("\"allowed\":true").contains(ADMITTED);
            HttpsConnection.Response echoed = connection.postJson(EchoService.PATH, review);
            assertThat(echoed.body()).isEqualTo(review);
        }

        LoadGenerator load = new LoadGenerator(dir, port, ca, CONNECTIONS)
                .phase("warmup-echo", EchoService.PATH, body, "AdmissionReview", 0, 3)
                .phase("warmup-webhook", "/mutate/vmassignments", body, ADMITTED, 0, 6)
                .phase("warmup-echo", EchoService.PATH, body, "AdmissionReview", 1000, 2)
                .phase("warmup-webhook", "/mutate/vmassignments", body, ADMITTED, 1000, 2);
        for (int rate : RATES) {
            phases(load, body, "r" + rate, rate);
        }
        phases(load, body, "max", 0);
        Map<String, LoadGenerator.Result> results = load.run(Duration.ofMinutes(5));

        for (LoadGenerator.Result result : results.values()) {
            assertThat(result.failed()).as("failed requests of " + result.name()).isZero();
            assertThat(result.unexpected()).as("unexpected answers of " + result.name()).isZero();
        }
        String section = section(machine, config, results);
        System.out.println(section);
        BenchmarksFile.writeSection("webhook-throughput", section);
    }

    private static void phases(LoadGenerator load, Path body, String label, int rate) {
        for (int round = 0; round < ROUNDS; round++) {
            load.phase("echo-" + label, EchoService.PATH, body, "AdmissionReview", rate, PHASE_SECONDS)
                    .phase("webhook-" + label, "/mutate/vmassignments", body, ADMITTED, rate, PHASE_SECONDS)
                    .phase("webhook-" + label, "/mutate/vmassignments", body, ADMITTED, rate, PHASE_SECONDS)
                    .phase("echo-" + label, EchoService.PATH, body, "AdmissionReview", rate, PHASE_SECONDS);
        }
    }

    private static String section(String machine, WebhookConfig config, Map<String, LoadGenerator.Result> results) {
        StringBuilder md = new StringBuilder();
        md.append("## Webhook: admission reviews beside an echo on the same server (issue 4 a)\n\n");
        md.append(machine).append("\n\n");
        md.append(String.format(Locale.ROOT, """
                Alice's VmAssignment CREATE review (the mutating webhook's request: %d bytes, fixture \
                `vmassignment-create-mutate.json`) POSTed to `/mutate/vmassignments`, and the same bytes to an echo \
                endpoint (`POST /echo` answers the body) registered on the same `WebhookServer`: one Helidon \
                listener, TLS, filters, and `recycle-connections-every=%d` as deployed. The webhook decides from \
                informer caches synced with a pool namespace of %d pools and %d VmAssignments (pool `test-vms` \
                grants role `user`), so each request takes the whole path: caller, grants, active assignments of \
                (pool, user), granted-by and a JSONPatch. The server runs in the test JVM (%s, max heap %d MiB); \
                the open-loop load generator is a separate JVM (`%s`) with %d keep-alive TLS connections, one \
                virtual thread each. Latency runs from each request's scheduled send time (no coordinated \
                omission); saturation is closed-loop on the same connections. Each row joins %d phases of %s s, \
                run as %d × (echo, webhook, webhook, echo), so that drift on the shared machine falls on both. \
                "Send delay" is how late requests left against their schedule (all connections busy, or the \
                generator not scheduled); "CPU pressure" is the share of the row's time in which some task on the \
                machine waited for a CPU (`/proc/pressure/cpu`), our own processes included.
                """, Fixtures.bytes(Fixtures.ASSIGNMENT_CREATE_MUTATE).length, config.recycleConnectionsEvery(),
                1 + BenchState.BENCH_POOLS + BenchState.TEAM_POOLS, BenchState.ASSIGNMENTS, collectors(),
                Runtime.getRuntime().maxMemory() / (1024 * 1024), String.join(" ", LoadGenerator.JVM_OPTIONS), CONNECTIONS,
                2 * ROUNDS, fmt(PHASE_SECONDS), ROUNDS));
        md.append("\n| offered | endpoint | throughput /s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | send delay p99 ms | CPU pressure |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String label : labels()) {
            for (String endpoint : List.of("echo", "webhook")) {
                LoadGenerator.Result r = results.get(endpoint + "-" + label);
                md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s |\n",
                        offered(label), endpoint, r.throughput(), r.p50() / 1000, r.p90() / 1000, r.p99() / 1000,
                        r.p999() / 1000, r.max() / 1000, r.lagP99() / 1000, percent(r.cpuPressure())));
            }
        }
        md.append("\nWebhook against echo (ratio webhook / echo):\n\n");
        md.append("| offered | p50 | p99 | throughput |\n|---|---:|---:|---:|\n");
        for (String label : labels()) {
            LoadGenerator.Result echo = results.get("echo-" + label);
            LoadGenerator.Result webhook = results.get("webhook-" + label);
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f |\n", offered(label), webhook.p50() / echo.p50(),
                    webhook.p99() / echo.p99(), webhook.throughput() / echo.throughput()));
        }
        LoadGenerator.Result echoMax = results.get("echo-max");
        LoadGenerator.Result webhookMax = results.get("webhook-max");
        LoadGenerator.Result at1000 = results.get("webhook-r1000");
        double ratio = webhookMax.throughput() / echoMax.throughput();
        md.append("\nTargets:\n\n");
        md.append(String.format(Locale.ROOT, "- throughput at saturation at least 0.8 of the echo's: %.0f/s against %.0f/s = %.2f — **%s**\n",
                webhookMax.throughput(), echoMax.throughput(), ratio, ratio >= 0.8 ? "met" : "not met"));
        md.append(String.format(Locale.ROOT, "- p99 at most 2 ms at 1,000 per second on 2 cores: %.2f ms — **%s**\n",
                at1000.p99Ms(), at1000.p99Ms() <= 2 ? "met" : "not met"));
        return md.toString();
    }

    private static List<String> labels() {
        List<String> labels = new java.util.ArrayList<>(RATES.stream().map(rate -> "r" + rate).toList());
        labels.add("max");
        return labels;
    }

    private static String offered(String label) {
        return label.equals("max") ? "saturation" : String.format(Locale.ROOT, "%,d/s", Integer.parseInt(label.substring(1)));
    }

    static String percent(double value) {
        return value < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f %%", value);
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }

    private static String collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
    }
}
