package dev.vmpools.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.certs.CertsConfig;
import dev.vmpools.certs.k8s.SecretStore;
import dev.vmpools.certs.k8s.WebhookConfigurations;
import dev.vmpools.certs.manager.CertificateComponent;
import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.CertificateAuthority;
import dev.vmpools.certs.pki.Pem;
import dev.vmpools.certs.pki.PemOutcome;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.renewal.Stored;
import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.webhook.RunningWebhook;
import dev.vmpools.webhook.WebhookServer;
import dev.vmpools.webhook.admission.AdmissionHandler;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.http.AdmissionHandlers;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Certificate rotation under continuous admission load through the real API server: the certificate
 * component runs as the webhook's ServiceAccount (in-process mode), two webhook replicas (two Helidon
 * servers on HTTP/1.1 in this JVM, each following the serving Secret and renewing its own replica Lease)
 * sit behind the test's own {@link RoundRobinTlsPassthroughProxy}, and the manifests' two configurations
 * {@code vmpools} (local overlay, limited to this class's namespace) point at the proxy. Four clients create
 * VmAssignments as fast as they can for the whole rotation; the replicas allow everything (the rules are
 * not under test here, the TLS is). Lifetimes are seconds. The replicas close one connection in 100
 * ({@code Connection: close}), so the API server keeps making new TLS handshakes, through the proxy, in every
 * phase. Rates are printed, never asserted; asserted are zero failed admissions, each replica answering and
 * taking new connections in every phase, and the old CA gone from caBundle.
 */
@ExtendWith(ControlPlaneExtension.class)
class CertificateRotationIT {

    private static final String SYSTEM = "vmpools-system";
    private static final int CLIENTS = 4;
    private static final Duration PATIENCE = Duration.ofSeconds(100);

    private final List<AutoCloseable> running = new ArrayList<>();
    private KubernetesClient root;

    @BeforeAll
    static void install(ControlPlane cp, TestNamespace ns) throws Exception {
        RunningWebhook.install(cp);
        RunningWebhook.bindUsersAndWebhook(cp, ns.name());
        var root = cp.client(TestUser.ROOT);
        if (root.namespaces().withName(SYSTEM).get() == null) {
            root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SYSTEM).endMetadata().build()).create();
        }
        var rbac = Binaries.repositoryRoot().resolve("manifests/rbac");
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts",
                "-f", rbac.resolve("certs.yaml").toString(), "-f", rbac.resolve("webhook.yaml").toString());
    }

    @BeforeEach
    void rootClient(ControlPlane cp) {
        root = cp.client(TestUser.ROOT);
    }

    @AfterEach
    void stop() throws Exception {
        for (var closeable : running.reversed()) {
            closeable.close();
        }
        root.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WebhookConfigurations.NAME).delete();
        root.admissionRegistration().v1().validatingWebhookConfigurations().withName(WebhookConfigurations.NAME).delete();
        forgetCertificates();
    }

    @Test
    void caRotationUnderAdmissionLoadFailsNoRequestAndEndsWithoutTheOldCa(ControlPlane cp, TestNamespace ns) throws Exception {
        // CA and serving certificate live 45 s: the CA rotation starts about 28 s after the first start.
        var rig = new Rig(cp, ns, Map.of("ca-lifetime", "PT45S", "serving-lifetime", "PT45S"));
        var secrets = new SecretStore(root, SYSTEM);
        var oldCa = cas(secrets).current().certificate();
        var phases = new CaPhases(rig.bundles, oldCa);

        var load = rig.load(phases::of);
        await().atMost(PATIENCE).until(() -> load.servedEveryPhase(CaPhases.ALL, rig.replicas.size()));
        var result = load.stop();

        result.print("CA rotation");
        assertThat(result.failures()).as("failed admissions").isEmpty();
        assertThat(result.created()).isPositive();
        assertThat(result.admissions()).as("admissions by phase and replica")
                .containsOnlyKeys(CaPhases.ALL)
                .allSatisfy((phase, byReplica) -> assertThat(byReplica).containsOnlyKeys("r1", "r2"));
        assertThat(result.connections()).as("new connections by phase and replica")
                .containsOnlyKeys(CaPhases.ALL)
                .allSatisfy((phase, byReplica) -> assertThat(byReplica).containsOnlyKeys("r1", "r2"));
        var cas = cas(secrets);
        assertThat(cas.current().certificate()).isNotEqualTo(oldCa);
        assertThat(cas.previous()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(rig.bundleCertificates())
                .hasSize(4).allSatisfy(bundle -> assertThat(bundle).containsExactly(cas.current().certificate())));
        assertThat(rig.replicas).allSatisfy(replica -> assertThat(replica.follower().notReady()).isEmpty());
    }

    @Test
    void leafRotationUnderAdmissionLoadFailsNoRequest(ControlPlane cp, TestNamespace ns) throws Exception {
        // Serving certificates live 12 s, renewed after about 8 s; the CA lives a day.
        var rig = new Rig(cp, ns, Map.of("ca-lifetime", "P1D", "serving-lifetime", "PT12S"));
        var secrets = new SecretStore(root, SYSTEM);
        var ca = cas(secrets).current().certificate();
        var leaves = new LeafPhases();

        var load = rig.load(leaves::of);
        await().atMost(PATIENCE).until(() -> load.servedEveryPhase(LeafPhases.FIRST_THREE, rig.replicas.size()));
        var result = load.stop();

        result.print("leaf rotation");
        assertThat(result.failures()).as("failed admissions").isEmpty();
        assertThat(result.created()).isPositive();
        assertThat(result.admissions()).as("admissions by phase and replica").containsKeys(LeafPhases.FIRST_THREE.toArray(String[]::new))
                .allSatisfy((phase, byReplica) -> assertThat(byReplica).containsOnlyKeys("r1", "r2"));
        assertThat(result.connections()).as("new connections by phase and replica")
                .containsKeys(LeafPhases.FIRST_THREE.toArray(String[]::new))
                .allSatisfy((phase, byReplica) -> assertThat(byReplica).containsOnlyKeys("r1", "r2"));
        assertThat(cas(secrets).current().certificate()).isEqualTo(ca);
        assertThat(rig.bundleCertificates()).hasSize(4).allSatisfy(bundle -> assertThat(bundle).containsExactly(ca));
    }

    /** The certificate component, two replicas behind the proxy, and the configurations pointing at the proxy. */
    private final class Rig {
        final List<Replica> replicas = new ArrayList<>();
        final WebhookConfigurations.Watch bundles;
        final CertificateComponent component;
        final RoundRobinTlsPassthroughProxy proxy;
        final KubernetesClient admin;
        final String namespace;
        final ControlPlane cp;
        final Map<String, Map<String, LongAdder>> admissions = new ConcurrentHashMap<>();
        final Map<String, Map<String, LongAdder>> connections = new ConcurrentHashMap<>();
        volatile Function<Replica, String> phase = replica -> "warm-up";

        Rig(ControlPlane cp, TestNamespace ns, Map<String, String> lifetimes) throws Exception {
            this.cp = cp;
            namespace = ns.name();
            forgetCertificates();
            var options = new java.util.HashMap<>(Map.of("instance", "certs", "propagation-delay", "PT2S",
                    "extra-names", "127.0.0.1", "leader-lease-duration", "PT4S", "leader-renew-deadline", "PT3S",
                    "leader-retry-period", "PT0.5S", "replica-lease-renewal", "PT1S"));
            options.putAll(lifetimes);
            component = CertificateComponent.start(CertsConfig.from(options, "unused"), client(cp),
                    new SimpleMeterRegistry(), InstantSource.system());
            running.add(component);
            bundles = new WebhookConfigurations(root).watch(configuration -> { }, () -> { });
            running.add(bundles);
            for (var name : List.of("r1", "r2")) {
                replicas.add(replica(cp, name));
            }
            var servers = replicas.stream().map(replica -> replica.server().port()).toList();
            proxy = new RoundRobinTlsPassthroughProxy(servers, index -> {
                var replica = replicas.get(index);
                count(connections, phase.apply(replica), replica.name());
            });
            running.add(proxy);
            for (var replica : replicas) {
                assertThat(applicationProtocol(replica)).as("HTTP/1.1 only: one connection per concurrent request")
                        .isNotEqualTo("h2");
            }
            configurations();
            admin = client(cp, TestUser.ADMIN);
            // Until the component has injected caBundle, the API server cannot call the replicas: warm up first.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(replicas).allSatisfy(replica -> assertThat(replica.follower().notReady()).isEmpty());
                create(admin, namespace, "warm-up-" + System.nanoTime());
            });
        }

        /** Starts the clients; admissions are counted under {@code phaseOf} their replica at the time. */
        Load load(Function<Replica, String> phaseOf) {
            phase = phaseOf;
            var load = new Load(this);
            load.start();
            return load;
        }

        List<List<X509Certificate>> bundleCertificates() {
            var result = new ArrayList<List<X509Certificate>>();
            var configurations = new WebhookConfigurations(root);
            for (var kind : WebhookConfigurations.Kind.values()) {
                configurations.read(kind).orElseThrow().webhooks().forEach(webhook -> result.add(decode(webhook.caBundle())));
            }
            return result;
        }

        private Replica replica(ControlPlane cp, String name) throws Exception {
            var follower = SecretTlsFollower.start(client(cp), SYSTEM, name, Duration.ofSeconds(1), InstantSource.system());
            running.add(follower);
            var holder = new Replica[1];
            AdmissionHandler counting = request -> {
                count(admissions, phase.apply(holder[0]), name);
                return AdmissionOutcome.allowed();
            };
            var server = WebhookServer.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .handlers(new AdmissionHandlers(counting, counting, counting, counting))
                    .tlsMaterial(follower.awaitFirst(Duration.ofSeconds(60)))
                    .readinessCheck(follower.readiness())
                    .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                    // Connections are balanced, not requests: close one in 100 so that swapped certificates get negotiated.
                    .recycleConnectionsEvery(100)
                    .build()
                    .start();
            running.add(server::stop);
            follower.serveWith(server.tlsReloader());
            holder[0] = new Replica(name, follower, server);
            return holder[0];
        }

        /** The local overlay's configurations, calling the proxy, limited to this class's namespace. */
        private void configurations() {
            var rendered = cp.kubectl(TestUser.ROOT, "kustomize",
                    Binaries.repositoryRoot().resolve("manifests/overlays/local").toString());
            var selector = new LabelSelectorBuilder().withMatchLabels(Map.of("kubernetes.io/metadata.name", namespace)).build();
            Function<WebhookClientConfig, WebhookClientConfig> viaProxy = clientConfig -> new WebhookClientConfig(null, null,
                    clientConfig.getUrl().replace("https://127.0.0.1:8443/", "https://127.0.0.1:" + proxy.port() + "/"));
            for (HasMetadata object : root.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items()) {
                if (object instanceof MutatingWebhookConfiguration mutating) {
                    mutating.getWebhooks().forEach(webhook -> {
                        webhook.setNamespaceSelector(selector);
                        webhook.setClientConfig(viaProxy.apply(webhook.getClientConfig()));
                    });
                    root.resource(mutating).create();
                } else if (object instanceof ValidatingWebhookConfiguration validating) {
                    validating.getWebhooks().forEach(webhook -> {
                        webhook.setNamespaceSelector(selector);
                        webhook.setClientConfig(viaProxy.apply(webhook.getClientConfig()));
                    });
                    root.resource(validating).create();
                }
            }
        }
    }

    private KubernetesClient client(ControlPlane cp) {
        return client(cp, TestUser.WEBHOOK);
    }

    private KubernetesClient client(ControlPlane cp, TestUser user) {
        var client = cp.newClient(user);
        running.add(client);
        return client;
    }

    /** One webhook replica: its Secret follower and its HTTPS server. */
    record Replica(String name, SecretTlsFollower follower, WebhookServer server) {
    }

    /** Four clients creating VmAssignments as fast as they can, and what the replicas answered meanwhile. */
    private static final class Load {
        private final Rig rig;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicLong created = new AtomicLong();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private Instant started;

        Load(Rig rig) {
            this.rig = rig;
            rig.admissions.clear();
            rig.connections.clear();
        }

        void start() {
            started = Instant.now();
            var run = Long.toString(System.nanoTime(), 36);
            for (int i = 0; i < CLIENTS; i++) {
                var client = run + "-" + i;
                threads.add(Thread.ofPlatform().name("load-" + i).start(() -> {
                    for (long n = 0; !stopped.get(); n++) {
                        try {
                            create(rig.admin, rig.namespace, "load-" + client + "-" + n);
                            created.incrementAndGet();
                        } catch (KubernetesClientException e) {
                            failures.add(e.getCode() + " " + e.getMessage());
                        }
                    }
                }));
            }
        }

        /**
         * Whether every replica answered admissions in every phase, and took new connections in it: a new TLS
         * handshake is what proves the API server accepts the certificate served in that phase.
         */
        boolean servedEveryPhase(List<String> phases, int replicas) {
            return phases.stream().allMatch(phase -> rig.admissions.getOrDefault(phase, Map.of()).size() == replicas
                    && rig.connections.getOrDefault(phase, Map.of()).size() == replicas);
        }

        Result stop() throws InterruptedException {
            stopped.set(true);
            for (var thread : threads) {
                thread.join();
            }
            var seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
            return new Result(created.get(), List.copyOf(failures), seconds, snapshot(rig.admissions), snapshot(rig.connections));
        }

        private static Map<String, Map<String, Long>> snapshot(Map<String, Map<String, LongAdder>> counts) {
            var result = new TreeMap<String, Map<String, Long>>();
            counts.forEach((phase, byReplica) -> {
                var inner = new TreeMap<String, Long>();
                byReplica.forEach((replica, count) -> inner.put(replica, count.sum()));
                result.put(phase, inner);
            });
            return result;
        }
    }

    record Result(long created, List<String> failures, double seconds, Map<String, Map<String, Long>> admissions,
                  Map<String, Map<String, Long>> connections) {
        void print(String what) {
            System.out.printf("%s under load: %d VmAssignments created by %d clients in %.1f s (%.0f/s), %d failed%n",
                    what, created, CLIENTS, seconds, created / seconds, failures.size());
            System.out.println("  admissions by phase and replica: " + admissions);
            System.out.println("  new connections through the proxy by phase and replica: " + connections);
            failures.stream().limit(5).forEach(failure -> System.out.println("  failure: " + failure));
        }
    }

    /** Phases of a CA rotation, from the bundles (as watched) and the leaf the replica serves. */
    private static final class CaPhases {
        static final String OLD = "1 old CA";
        static final String BOTH_OLD_LEAF = "2 both CAs, old leaf";
        static final String BOTH_NEW_LEAF = "3 both CAs, new leaf";
        static final String NEW = "4 new CA";
        static final List<String> ALL = List.of(OLD, BOTH_OLD_LEAF, BOTH_NEW_LEAF, NEW);

        private final WebhookConfigurations.Watch bundles;
        private final X509Certificate oldCa;
        private final Map<BigInteger, Boolean> fromOldCa = new ConcurrentHashMap<>();
        private final Map<String, List<X509Certificate>> decoded = new ConcurrentHashMap<>();

        CaPhases(WebhookConfigurations.Watch bundles, X509Certificate oldCa) {
            this.bundles = bundles;
            this.oldCa = oldCa;
        }

        String of(Replica replica) {
            var leaf = replica.follower().servedLeaf().orElseThrow();
            boolean oldLeaf = fromOldCa.computeIfAbsent(leaf.getSerialNumber(), s -> CertificateAuthority.signedBy(leaf, oldCa));
            boolean oldTrusted = false;
            boolean newTrusted = false;
            for (var configuration : bundles.cached()) {
                for (var webhook : configuration.webhooks()) {
                    for (var ca : decoded.computeIfAbsent(webhook.caBundle(), CertificateRotationIT::decode)) {
                        if (ca.equals(oldCa)) {
                            oldTrusted = true;
                        } else {
                            newTrusted = true;
                        }
                    }
                }
            }
            if (!newTrusted) {
                return oldLeaf ? OLD : "unexpected: new leaf, no new CA in caBundle yet";
            }
            if (oldTrusted) {
                return oldLeaf ? BOTH_OLD_LEAF : BOTH_NEW_LEAF;
            }
            return oldLeaf ? "unexpected: old leaf, old CA gone from caBundle" : NEW;
        }
    }

    /** Phases of leaf rotations: the first, second, third... serving certificate served. */
    private static final class LeafPhases {
        static final List<String> FIRST_THREE = List.of("leaf 1", "leaf 2", "leaf 3");

        private final List<BigInteger> serials = new CopyOnWriteArrayList<>();

        synchronized String of(Replica replica) {
            var serial = replica.follower().servedLeaf().orElseThrow().getSerialNumber();
            if (!serials.contains(serial)) {
                serials.add(serial);
            }
            return "leaf " + (serials.indexOf(serial) + 1);
        }
    }

    private static void create(KubernetesClient client, String namespace, String name) {
        var assignment = new VmAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(name).build());
        assignment.setSpec(new VmAssignmentSpec("load", null));
        client.resources(VmAssignment.class).inNamespace(namespace).resource(assignment).create();
    }

    private static void count(Map<String, Map<String, LongAdder>> counts, String phase, String replica) {
        counts.computeIfAbsent(phase, p -> new ConcurrentHashMap<>()).computeIfAbsent(replica, r -> new LongAdder()).increment();
    }

    private static List<X509Certificate> decode(String pem) {
        return Pem.decodeCertificates(pem) instanceof PemOutcome.Decoded<List<X509Certificate>> d ? d.value() : List.of();
    }

    private static CaSet cas(SecretStore secrets) {
        return secrets.readCas().stored() instanceof Stored.Present<CaSet> present
                ? present.value()
                : org.assertj.core.api.Assertions.fail("no usable CA Secret: " + secrets.readCas().stored());
    }

    private void forgetCertificates() {
        root.secrets().inNamespace(SYSTEM).withName(Material.CA_SECRET).withGracePeriod(0).delete();
        root.secrets().inNamespace(SYSTEM).withName(Material.SERVING_SECRET).withGracePeriod(0).delete();
        root.leases().inNamespace(SYSTEM).list().getItems().stream()
                .filter(lease -> lease.getMetadata().getName().startsWith("vmpools-webhook-")
                        || lease.getMetadata().getName().equals("vmpools-certs"))
                .forEach(lease -> root.leases().inNamespace(SYSTEM).resource(lease).delete());
    }

    /** The protocol a replica agrees to when offered HTTP/2 and HTTP/1.1 by ALPN ("" when it does no ALPN). */
    private static String applicationProtocol(Replica replica) throws Exception {
        var context = SSLContext.getInstance("TLS");
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        var store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        var leaf = replica.follower().servedLeaf().orElseThrow();
        store.setCertificateEntry("leaf", leaf);
        trust.init(store);
        context.init(null, trust.getTrustManagers(), null);
        try (var socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", replica.server().port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return Optional.ofNullable(socket.getApplicationProtocol()).orElse("");
        }
    }
}
