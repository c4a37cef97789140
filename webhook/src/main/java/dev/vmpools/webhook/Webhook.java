package dev.vmpools.webhook;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import dev.vmpools.api.identity.IdentityPolicy;
import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.assignment.AssignmentMutator;
import dev.vmpools.webhook.assignment.AssignmentPolicy;
import dev.vmpools.webhook.assignment.AssignmentValidator;
import dev.vmpools.webhook.cluster.Assignments;
import dev.vmpools.webhook.cluster.InformerCaches;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.http.AdmissionHandlers;
import dev.vmpools.webhook.http.ReadinessCheck;
import dev.vmpools.webhook.pool.PoolPolicy;
import dev.vmpools.webhook.pool.PoolValidator;
import dev.vmpools.webhook.tls.SecretTlsFollower;
import dev.vmpools.webhook.tls.TlsMaterial;
import dev.vmpools.webhook.tls.TlsMaterialException;
import dev.vmpools.webhook.vm.VmValidator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The running webhook: informer caches, the rules of every endpoint and the HTTPS server, built from a
 * {@link WebhookConfig} and a Kubernetes client (acting as the webhook's service account). The launcher calls
 * {@link #start(WebhookConfig, KubernetesClient)} and {@link #close()}; tests may hand the serving material over
 * directly with {@link #start(WebhookConfig, KubernetesClient, TlsMaterial)}.
 *
 * <p>Ready ({@code /health/ready}) once a valid certificate is served, the caches have synced and, when the
 * certificate comes from the Secret, the served chain verifies against every {@code caBundle}.
 */
public final class Webhook implements AutoCloseable {

    private final InformerCaches caches;
    private final WebhookServer server;
    private final Optional<SecretTlsFollower> follower;

    private Webhook(InformerCaches caches, WebhookServer server, Optional<SecretTlsFollower> follower) {
        this.caches = caches;
        this.server = server;
        this.follower = follower;
    }

    /** Starts serving the TLS of the configuration: its files, or the Secret (waiting for it as configured). */
    public static Webhook start(WebhookConfig config, KubernetesClient client) throws IOException, TlsMaterialException {
        return start(config, client, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /**
     * As {@link #start(WebhookConfig, KubernetesClient)}, with the webhook's metrics in {@code registry}, which
     * {@code /metrics} serves (so components in the same process, such as the certificate component, show there too).
     */
    public static Webhook start(WebhookConfig config, KubernetesClient client, PrometheusMeterRegistry registry)
            throws IOException, TlsMaterialException {
        Consumer<WebhookServer.Builder> metrics = builder -> builder.meterRegistry(registry);
        return switch (config.tls()) {
            case WebhookConfig.TlsFiles files -> start(config, client,
                    metrics.andThen(builder -> builder.tlsFiles(files.key(), files.chain())), Optional.empty());
            case WebhookConfig.TlsSecret secret -> {
                SecretTlsFollower follower = SecretTlsFollower.start(client, secret.namespace(), secret.instance(),
                        secret.renewal(), InstantSource.system());
                try {
                    TlsMaterial first = follower.awaitFirst(secret.startupWait());
                    yield start(config, client, metrics.andThen(
                            builder -> builder.tlsMaterial(first).readinessCheck(follower.readiness())), Optional.of(follower));
                } catch (IOException | TlsMaterialException | RuntimeException e) {
                    follower.close();
                    throw e;
                }
            }
        };
    }

    /** Starts serving {@code tls}; later material goes to {@link WebhookServer#tlsReloader()} of {@link #server()}. */
    public static Webhook start(WebhookConfig config, KubernetesClient client, TlsMaterial tls)
            throws IOException, TlsMaterialException {
        Objects.requireNonNull(tls, "tls");
        return start(config, client, builder -> builder.tlsMaterial(tls), Optional.empty());
    }

    private static Webhook start(WebhookConfig config, KubernetesClient client, Consumer<WebhookServer.Builder> tls,
                                 Optional<SecretTlsFollower> follower) throws IOException, TlsMaterialException {
        InformerCaches caches = InformerCaches.start(client, config.poolNamespaces(), config.poolReadTimeout());
        try {
            WebhookServer.Builder builder = WebhookServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .handlers(handlers(config, caches, caches, InstantSource.system()))
                    .readinessCheck(new ReadinessCheck("caches", caches::synced))
                    .recycleConnectionsEvery(config.recycleConnectionsEvery());
            tls.accept(builder);
            WebhookServer server = builder.build().start();
            follower.ifPresent(f -> f.serveWith(server.tlsReloader()));
            return new Webhook(caches, server, follower);
        } catch (IOException | TlsMaterialException | RuntimeException e) {
            caches.close();
            throw e;
        }
    }

    /** The rules of every endpoint, judged against these pools and assignments. */
    public static AdmissionHandlers handlers(WebhookConfig config, Pools pools, Assignments assignments, InstantSource clock) {
        IdentityPolicy identity = config.callers().identity();
        AssignmentPolicy assignmentPolicy = new AssignmentPolicy(identity);
        return new AdmissionHandlers(
                new PoolValidator(new PoolPolicy(config.retentionMode()), clock, new AdmissionReviews().mapper()),
                new AssignmentMutator(assignmentPolicy, config.callers(), pools, assignments),
                new AssignmentValidator(assignmentPolicy, config.callers(), pools, assignments),
                new VmValidator(config.callers(), pools));
    }

    /** True once the caches have synced (the server's {@code /health/ready} also checks TLS). */
    public boolean cachesSynced() {
        return caches.synced();
    }

    public int port() {
        return server.port();
    }

    public WebhookServer server() {
        return server;
    }

    /** The follower of the serving Secret, when the certificate comes from it. */
    public Optional<SecretTlsFollower> tlsFollower() {
        return follower;
    }

    @Override
    public void close() {
        server.stop();
        follower.ifPresent(SecretTlsFollower::close);
        caches.close();
    }
}
