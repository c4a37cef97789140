package dev.vmpools.webhook;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Objects;

import dev.vmpools.api.config.ConfigException;
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
import dev.vmpools.webhook.tls.TlsMaterial;
import dev.vmpools.webhook.tls.TlsMaterialException;
import dev.vmpools.webhook.vm.VmValidator;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The running webhook: informer caches, the rules of every endpoint and the HTTPS server, built from a
 * {@link WebhookConfig} and a Kubernetes client (whose identity needs the webhook's RBAC). The launcher
 * calls {@link #start(WebhookConfig, KubernetesClient)} and {@link #close()}; tests and an in-process
 * certificate component may hand the serving material over directly.
 */
public final class Webhook implements AutoCloseable {

    private final InformerCaches caches;
    private final WebhookServer server;

    private Webhook(InformerCaches caches, WebhookServer server) {
        this.caches = caches;
        this.server = server;
    }

    /** Starts with the TLS files of the configuration. */
    public static Webhook start(WebhookConfig config, KubernetesClient client) throws IOException, TlsMaterialException {
        WebhookConfig.TlsFiles files = config.tlsFiles().orElseThrow(() -> new ConfigException(
                WebhookConfig.TLS_KEY_FILE, "", "this build serves TLS from files only: set --tls-key-file and --tls-cert-file"));
        return start(config, client, server -> server.tlsFiles(files.key(), files.chain()));
    }

    /** Starts serving {@code tls}; later material goes to {@link WebhookServer#tlsReloader()} of {@link #server()}. */
    public static Webhook start(WebhookConfig config, KubernetesClient client, TlsMaterial tls)
            throws IOException, TlsMaterialException {
        Objects.requireNonNull(tls, "tls");
        return start(config, client, server -> server.tlsMaterial(tls));
    }

    private static Webhook start(WebhookConfig config, KubernetesClient client, java.util.function.Consumer<WebhookServer.Builder> tls)
            throws IOException, TlsMaterialException {
        InformerCaches caches = InformerCaches.start(client, config.poolNamespaces(), config.poolReadTimeout());
        try {
            WebhookServer.Builder builder = WebhookServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .handlers(handlers(config, caches, caches, InstantSource.system()))
                    .readinessCheck(new ReadinessCheck("caches", caches::synced));
            tls.accept(builder);
            return new Webhook(caches, builder.build().start());
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

    @Override
    public void close() {
        server.stop();
        caches.close();
    }
}
