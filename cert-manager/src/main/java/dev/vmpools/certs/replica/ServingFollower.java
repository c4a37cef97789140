package dev.vmpools.certs.replica;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.vmpools.certs.k8s.ReplicaLeases;
import dev.vmpools.certs.k8s.WebhookConfigurations;
import dev.vmpools.certs.pki.PemOutcome;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.rotation.RotationPlanner;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The webhook replica's side of certificates: it watches the serving Secret {@code vmpools-webhook-tls}
 * and hands every usable version to its {@link Server} (which swaps it in place), renews the replica's
 * Lease {@code vmpools-webhook-<instance>} with the serial it serves (at once after a swap, and every
 * {@code renewEvery}), and says whether the served chain verifies against every {@code caBundle} of both
 * webhook configurations (readiness).
 *
 * <p>A Secret version that cannot be served (garbage, a key that does not match, outside its validity) is
 * logged once and skipped: the replica keeps serving what it served, and the certificate reconciler
 * replaces the Secret.
 */
public final class ServingFollower implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServingFollower.class.getName());

    /** Where usable serving material goes: the HTTPS server. */
    @FunctionalInterface
    public interface Server {
        /** Serves {@code material} from now on; false if it cannot (yet), so that it is offered again later. */
        boolean serve(ServingMaterial material);
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String instance;
    private final Duration renewEvery;
    private final InstantSource clock;
    private final Server server;
    private final ReplicaLeases leases;
    private final ScheduledExecutorService renewer;
    private final CompletableFuture<ServingMaterial> firstUsable = new CompletableFuture<>();
    private volatile Optional<ServingMaterial> latest = Optional.empty();
    private volatile Optional<ServingMaterial> served = Optional.empty();
    private String lastProblem = "";
    private SharedIndexInformer<Secret> secretInformer;
    private WebhookConfigurations.Watch configurations;

    public ServingFollower(KubernetesClient client, String namespace, String instance, Duration renewEvery,
            InstantSource clock, Server server) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.renewEvery = Objects.requireNonNull(renewEvery, "renewEvery");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.server = Objects.requireNonNull(server, "server");
        this.leases = new ReplicaLeases(client, namespace);
        this.renewer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("replica-lease-" + instance).factory());
    }

    /** Starts watching the Secret and both configurations, and renewing the Lease. */
    public synchronized ServingFollower start() {
        if (secretInformer != null) {
            throw new IllegalStateException("already started");
        }
        configurations = new WebhookConfigurations(client).watch(configuration -> { }, () -> { });
        secretInformer = client.secrets().inNamespace(namespace).withField("metadata.name", Material.SERVING_SECRET)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Secret secret) {
                        offer(secret);
                    }

                    @Override
                    public void onUpdate(Secret before, Secret after) {
                        offer(after);
                    }

                    @Override
                    public void onDelete(Secret secret, boolean finalStateUnknown) {
                        LOG.log(Level.WARNING, () -> "Secret " + namespace + "/" + Material.SERVING_SECRET
                                + " was deleted; still serving " + describe(served) + " until it is recreated");
                    }
                });
        renewer.scheduleWithFixedDelay(this::renew, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The latest usable material the Secret held, served or not (what to start the server with). */
    public Optional<ServingMaterial> latest() {
        return latest;
    }

    /** Completes with the first usable material the Secret holds (what to start the server with). */
    public CompletableFuture<ServingMaterial> firstUsable() {
        return firstUsable;
    }

    /** What the server serves, as far as this follower handed it over. */
    public Optional<ServingMaterial> served() {
        return served;
    }

    /** Offers the latest usable material again (after the server came up, for instance). */
    public void resync() {
        latest.ifPresent(this::serve);
    }

    /**
     * Why this replica is not ready, if it is not: it serves nothing yet, or its chain does not verify
     * against some configuration's {@code caBundle} (the API server could not call it), or a configuration is
     * missing or not read yet.
     */
    public Optional<String> notReady() {
        var serving = served;
        if (serving.isEmpty()) {
            return Optional.of("no certificate from Secret " + namespace + "/" + Material.SERVING_SECRET + " served yet");
        }
        var watch = configurations;
        if (watch == null || !watch.synced()) {
            return Optional.of("webhook configurations " + WebhookConfigurations.NAME + " not read yet");
        }
        return BundleTrust.problem(serving.get(), watch.cached(), clock.instant());
    }

    @Override
    public synchronized void close() {
        renewer.shutdownNow();
        if (secretInformer != null) {
            secretInformer.close();
        }
        if (configurations != null) {
            configurations.close();
        }
    }

    private void offer(Secret secret) {
        var decoded = decode(secret);
        if (decoded instanceof PemOutcome.Invalid<ServingMaterial> invalid) {
            problem(invalid.problem());
            return;
        }
        var material = ((PemOutcome.Decoded<ServingMaterial>) decoded).value();
        if (!material.keyMatchesCertificate()) {
            problem("tls.key is not the private key of the certificate " + ServingMaterial.describe(material.leaf()));
            return;
        }
        var now = clock.instant();
        if (now.isAfter(material.leaf().getNotAfter().toInstant())) {
            problem("the certificate " + ServingMaterial.describe(material.leaf()) + " expired at "
                    + material.leaf().getNotAfter().toInstant());
            return;
        }
        synchronized (this) {
            lastProblem = "";
        }
        latest = Optional.of(material);
        firstUsable.complete(material);
        serve(material);
    }

    private synchronized void serve(ServingMaterial material) {
        var before = served.map(ServingFollower::serial);
        if (!server.serve(material)) {
            return;
        }
        served = Optional.of(material);
        if (!before.equals(Optional.of(serial(material)))) {
            LOG.log(Level.INFO, () -> instance + " serves " + ServingMaterial.describe(material.leaf()) + " from Secret "
                    + namespace + "/" + Material.SERVING_SECRET);
            renewSoon();
        }
    }

    private void renewSoon() {
        try {
            renewer.execute(this::renew);
        } catch (RejectedExecutionException e) {
            // Closed: nothing to renew any more.
        }
    }

    private void renew() {
        try {
            var outcome = leases.renew(instance, served.map(ServingFollower::serial), clock.instant(),
                    RotationPlanner.READY_WITHIN);
            if (outcome instanceof ReplicaLeases.Renewal.Conflict conflict) {
                LOG.log(Level.DEBUG, conflict::message);
                renewSoon();
            }
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "cannot renew Lease " + namespace + "/" + ReplicaLeases.leaseName(instance) + " ("
                    + e.getMessage() + "); trying again in " + renewEvery);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "renewing Lease " + namespace + "/" + ReplicaLeases.leaseName(instance) + " failed", e);
        }
    }

    private synchronized void problem(String problem) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            LOG.log(Level.WARNING, () -> "Secret " + namespace + "/" + Material.SERVING_SECRET + " cannot be served: "
                    + problem + "; still serving " + describe(served));
        }
    }

    private static PemOutcome<ServingMaterial> decode(Secret secret) {
        var text = new HashMap<String, String>();
        try {
            if (secret.getData() != null) {
                secret.getData().forEach((key, value) -> text.put(key,
                        new String(Base64.getMimeDecoder().decode(value), StandardCharsets.US_ASCII)));
            }
        } catch (IllegalArgumentException e) {
            return PemOutcome.invalid("data is not base64: " + e.getMessage());
        }
        if (secret.getStringData() != null) {
            text.putAll(secret.getStringData());
        }
        return ServingMaterial.decode(text.get("tls.key"), text.get("tls.crt"), text.get("ca.crt"));
    }

    private static BigInteger serial(ServingMaterial material) {
        return material.leaf().getSerialNumber();
    }

    private static String describe(Optional<ServingMaterial> material) {
        return material.map(m -> ServingMaterial.describe(m.leaf())).orElse("nothing");
    }
}
