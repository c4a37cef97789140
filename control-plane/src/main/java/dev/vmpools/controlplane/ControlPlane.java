package dev.vmpools.controlplane;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real etcd + kube-apiserver + kube-controller-manager on free 127.0.0.1 ports (DESIGN §7).
 * Authentication by a static token file of {@link TestUser}s, authorization by RBAC; the controller
 * manager runs only the garbage collector and the namespace controller, as
 * {@code system:kube-controller-manager} with service-account credentials, as kubeadm runs it.
 * No kubelet runs, so no pod ever starts. etcd skips fsync unless started with {@link EtcdWrites#DURABLE}.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Duration ETCD_START = Duration.ofSeconds(30);
    private static final Duration APISERVER_START = Duration.ofSeconds(120);
    private static final Duration CONTROLLER_MANAGER_START = Duration.ofSeconds(60);

    private final Binaries binaries;
    private final EtcdWrites etcdWrites;
    private final Path stateDir;
    private final LocalCertificates authority;
    private final int etcdPort;
    private final int etcdPeerPort;
    private final int apiServerPort;
    private final Path kubeconfig;
    private final HttpClient http;
    private final Map<TestUser, KubernetesClient> clients = new EnumMap<>(TestUser.class);
    private ManagedProcess etcd;
    private ManagedProcess apiServer;
    private ManagedProcess controllerManager;

    /** Whether etcd makes its writes durable before it answers. */
    public enum EtcdWrites {
        /** {@code --unsafe-no-fsync}: writes reach the page cache only, which is enough for tests (the default). */
        NO_FSYNC,
        /** fsync of the WAL and the backend before etcd answers, as every production etcd runs. */
        DURABLE
    }

    private ControlPlane(Binaries binaries, EtcdWrites etcdWrites, Path stateDir) {
        this.binaries = binaries;
        this.etcdWrites = etcdWrites;
        this.stateDir = stateDir;
        this.authority = LocalCertificates.newAuthority("vmpools test control plane");
        this.etcdPort = freePort();
        this.etcdPeerPort = freePort();
        this.apiServerPort = freePort();
        this.kubeconfig = stateDir.resolve("kubeconfig");
        this.http = HttpClient.newBuilder().sslContext(trusting(authority)).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Builds (or finds) the binaries and starts a control plane whose etcd skips fsync. */
    public static ControlPlane start() {
        return start(Binaries.locate());
    }

    /** Builds (or finds) the binaries and starts a control plane whose etcd writes as given. */
    public static ControlPlane start(EtcdWrites etcdWrites) {
        return start(Binaries.locate(), etcdWrites);
    }

    public static ControlPlane start(Binaries binaries) {
        return start(binaries, EtcdWrites.NO_FSYNC);
    }

    public static ControlPlane start(Binaries binaries, EtcdWrites etcdWrites) {
        Path runs = runsRoot();
        try {
            Files.createDirectories(runs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int swept = LeftoverSweeper.sweep(runs, binaries.dir());
        if (swept > 0) {
            System.err.println("control plane: ended " + swept + " server process(es) left by an earlier run");
        }
        Path stateDir = runs.resolve("cp-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LeftoverSweeper.claim(stateDir);
        ControlPlane plane = new ControlPlane(binaries, etcdWrites, stateDir);
        try {
            plane.writeFiles();
            plane.startEtcd();
            plane.startApiServer();
            plane.startControllerManager();
            return plane;
        } catch (RuntimeException e) {
            plane.close();
            throw e;
        }
    }

    /** Where run folders (state, logs, pid files) live: {@code $VMPOOLS_CACHE/run}, default ~/.cache/vmpools/run. */
    public static Path runsRoot() {
        String cache = System.getenv("VMPOOLS_CACHE");
        if (cache == null || cache.isBlank()) {
            String xdg = System.getenv("XDG_CACHE_HOME");
            cache = (xdg == null || xdg.isBlank() ? System.getProperty("user.home") + "/.cache" : xdg) + "/vmpools";
        }
        return Path.of(cache, "run");
    }

    public URI apiServerUrl() {
        return URI.create("https://127.0.0.1:" + apiServerPort);
    }

    /** A kubeconfig with one context per {@link TestUser} (named {@link TestUser#context()}); current: root. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public Binaries binaries() {
        return binaries;
    }

    public EtcdWrites etcdWrites() {
        return etcdWrites;
    }

    /** etcd's client URL (plain HTTP on 127.0.0.1), which also serves its {@code /metrics}. */
    public URI etcdUrl() {
        return URI.create("http://127.0.0.1:" + etcdPort);
    }

    /** The CA that signed the API server's certificate; it can also sign serving certificates for test endpoints. */
    public LocalCertificates authority() {
        return authority;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** A fabric8 client acting as {@code user}; one per user, closed with the control plane. */
    public synchronized KubernetesClient client(TestUser user) {
        return clients.computeIfAbsent(user, this::newClient);
    }

    /** A new client acting as {@code user}, which the caller closes. */
    public KubernetesClient newClient(TestUser user) {
        return new KubernetesClientBuilder().withConfig(config(user)).build();
    }

    /** The fabric8 configuration of {@code user}, with nothing taken from the environment or ~/.kube. */
    public Config config(TestUser user) {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(apiServerUrl().toString())
                .withCaCertData(authority.caBase64())
                .withOauthToken(user.token())
                .withRequestTimeout(30_000)
                .build();
    }

    /** Runs the Go-built kubectl as {@code user}; fails with its output unless it exits 0. */
    public String kubectl(TestUser user, String... args) {
        Kubectl result = kubectlResult(user, args);
        if (result.exitCode() != 0) {
            throw new AssertionError("kubectl " + String.join(" ", args) + " as " + user.userName() + " exited with "
                    + result.exitCode() + ":\n" + result.stderr() + result.stdout());
        }
        return result.stdout();
    }

    /** Runs the Go-built kubectl as {@code user} and returns what it printed, whatever its exit code. */
    public Kubectl kubectlResult(TestUser user, String... args) {
        List<String> command = new ArrayList<>(List.of(binaries.kubectl().toString(),
                "--kubeconfig", kubeconfig.toString(), "--context", user.context()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 120 s");
            }
            return new Kubectl(process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running kubectl", e);
        }
    }

    /** What one kubectl run printed. */
    public record Kubectl(int exitCode, String stdout, String stderr) {
    }

    /** GET on the API server as {@code user}, e.g. {@code /version}; returns status and body. */
    public HttpResponse<String> get(TestUser user, String path) {
        return get(user, path, "application/json");
    }

    /** GET with an {@code Accept} header, e.g. a server-side table: {@code application/json;as=Table;v=v1;g=meta.k8s.io}. */
    public HttpResponse<String> get(TestUser user, String path, String accept) {
        try {
            return http.send(HttpRequest.newBuilder(apiServerUrl().resolve(path))
                    .header("Authorization", "Bearer " + user.token()).header("Accept", accept)
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The pids of the running servers (not their supervisors), by name. */
    public Map<String, Long> serverPids() {
        return java.util.stream.Stream.of(etcd, apiServer, controllerManager)
                .filter(p -> p != null && p.serverPid().isPresent())
                .collect(Collectors.toMap(ManagedProcess::name, p -> p.serverPid().getAsLong()));
    }

    /** Stops and starts kube-apiserver on the same port and storage, for tests of an API server restart. */
    public void restartApiServer() {
        apiServer.close();
        startApiServer();
    }

    @Override
    public synchronized void close() {
        clients.values().forEach(KubernetesClient::close);
        clients.clear();
        for (ManagedProcess process : new ManagedProcess[] {controllerManager, apiServer, etcd}) {
            if (process != null) {
                process.close();
            }
        }
        if (!Boolean.getBoolean("vmpools.keepState")) {
            LeftoverSweeper.deleteTree(stateDir);
        }
    }

    private void writeFiles() {
        try {
            Path pki = Files.createDirectories(stateDir.resolve("pki"));
            authority.issueServing("kube-apiserver").write(pki, "apiserver");
            Files.writeString(pki.resolve("ca.crt"), authority.caPem());
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            KeyPair serviceAccountKey = rsa.generateKeyPair();
            Files.writeString(pki.resolve("sa.key"), LocalCertificates.pem("PRIVATE KEY", serviceAccountKey.getPrivate().getEncoded()));
            Files.writeString(pki.resolve("sa.pub"), LocalCertificates.pem("PUBLIC KEY", serviceAccountKey.getPublic().getEncoded()));
            StringBuilder tokens = new StringBuilder();
            for (TestUser user : TestUser.values()) {
                tokens.append(user.token()).append(',').append(user.userName()).append(',').append(user.context())
                        .append(",\"").append(String.join(",", user.groups())).append("\"\n");
            }
            Files.writeString(stateDir.resolve("tokens.csv"), tokens);
            Files.writeString(kubeconfig, kubeconfigYaml(List.of(TestUser.values()), TestUser.ROOT));
            Files.writeString(stateDir.resolve("controller-manager.kubeconfig"),
                    kubeconfigYaml(List.of(TestUser.KUBE_CONTROLLER_MANAGER), TestUser.KUBE_CONTROLLER_MANAGER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String kubeconfigYaml(List<TestUser> users, TestUser current) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: v1
                kind: Config
                clusters:
                - name: vmpools-test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                """.formatted(apiServerUrl(), authority.caBase64()));
        yaml.append("users:\n");
        users.forEach(u -> yaml.append("- name: ").append(u.context()).append("\n  user:\n    token: ").append(u.token()).append('\n'));
        yaml.append("contexts:\n");
        users.forEach(u -> yaml.append("- name: ").append(u.context()).append("\n  context:\n    cluster: vmpools-test\n    user: ")
                .append(u.context()).append('\n'));
        yaml.append("current-context: ").append(current.context()).append('\n');
        return yaml.toString();
    }

    private void startEtcd() {
        String peer = "http://127.0.0.1:" + etcdPeerPort;
        String client = etcdUrl().toString();
        List<String> command = new ArrayList<>(List.of(binaries.etcd().toString(),
                "--name=default", "--data-dir=" + stateDir.resolve("etcd-data"),
                "--listen-client-urls=" + client, "--advertise-client-urls=" + client,
                "--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
                "--initial-cluster=default=" + peer, "--log-level=warn",
                "--quota-backend-bytes=" + (4L << 30)));
        if (etcdWrites == EtcdWrites.NO_FSYNC) {
            command.add("--unsafe-no-fsync");
        }
        etcd = ManagedProcess.start(binaries, stateDir, "etcd", command);
        await("start etcd", etcd, ETCD_START, () -> status(URI.create(client + "/health"), null) == 200);
    }

    private void startApiServer() {
        Path pki = stateDir.resolve("pki");
        apiServer = ManagedProcess.start(binaries, stateDir, "kube-apiserver", List.of(binaries.kubeApiServer().toString(),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port=" + apiServerPort,
                "--cert-dir=" + pki, "--tls-cert-file=" + pki.resolve("apiserver.crt"),
                "--tls-private-key-file=" + pki.resolve("apiserver.key"), "--client-ca-file=" + pki.resolve("ca.crt"),
                "--service-cluster-ip-range=10.96.0.0/16", "--service-account-issuer=https://kubernetes.default.svc",
                "--service-account-key-file=" + pki.resolve("sa.pub"),
                "--service-account-signing-key-file=" + pki.resolve("sa.key"),
                "--authorization-mode=RBAC", "--token-auth-file=" + stateDir.resolve("tokens.csv"),
                "--endpoint-reconciler-type=none", "--enable-priority-and-fairness=false",
                "--disable-admission-plugins=ServiceAccount", "--profiling=false", "--v=1"));
        await("start kube-apiserver", apiServer, APISERVER_START,
                () -> status(apiServerUrl().resolve("/readyz"), TestUser.ROOT) == 200);
    }

    private void startControllerManager() {
        controllerManager = ManagedProcess.start(binaries, stateDir, "kube-controller-manager", List.of(
                binaries.kubeControllerManager().toString(),
                "--kubeconfig=" + stateDir.resolve("controller-manager.kubeconfig"),
                "--controllers=garbagecollector,namespace", "--use-service-account-credentials",
                "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0", "--v=1"));
        // With service-account credentials the controllers first create their accounts: proof it runs.
        KubernetesClient root = client(TestUser.ROOT);
        await("start kube-controller-manager", controllerManager, CONTROLLER_MANAGER_START,
                () -> root.serviceAccounts().inNamespace("kube-system").withName("namespace-controller").get() != null
                        && root.serviceAccounts().inNamespace("kube-system").withName("generic-garbage-collector").get() != null);
    }

    private void await(String step, ManagedProcess process, Duration timeout, BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            if (!process.isAlive()) {
                throw ControlPlaneException.stepFailed(step, process.name() + " exited", process.log());
            }
            try {
                if (ready.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // Not ready yet: connection refused, 401 before the token file is read, ...
            }
            if (Instant.now().isAfter(deadline)) {
                throw ControlPlaneException.stepFailed(step, process.name() + " not ready within " + timeout.toSeconds() + " s",
                        process.log());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ControlPlaneException("control plane: interrupted during step '" + step + "'", e);
            }
        }
    }

    private int status(URI uri, TestUser user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET();
        if (user != null) {
            request.header("Authorization", "Bearer " + user.token());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static SSLContext trusting(LocalCertificates authority) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", authority.ca());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("control plane: no free port on 127.0.0.1", e);
        }
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
