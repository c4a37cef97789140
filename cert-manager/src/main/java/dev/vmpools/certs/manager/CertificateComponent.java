package dev.vmpools.certs.manager;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;

import dev.vmpools.certs.CertsConfig;
import dev.vmpools.certs.k8s.CaBundleInjector;
import dev.vmpools.certs.k8s.ReplicaLeases;
import dev.vmpools.certs.k8s.SecretEvents;
import dev.vmpools.certs.k8s.SecretStore;
import dev.vmpools.certs.renewal.Material;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The certificate component as it runs, alone ({@code run certs}) or inside the webhook process: every
 * instance takes part in the election on the Lease {@code vmpools-certs}; the leader runs the
 * {@link CertificateManager} in a {@link ReconcileLoop}, woken by informers on both Secrets, both webhook
 * configurations and the replica Leases; the others only watch. Only the leader writes.
 */
public final class CertificateComponent implements AutoCloseable {

    private final CertsConfig config;
    private final CaBundleInjector injector;
    private final CertificateMetrics metrics;
    private final CertificateManager manager;
    private final ReconcileLoop loop;
    private final Leadership leadership;
    private final List<SharedIndexInformer<?>> informers;

    private CertificateComponent(CertsConfig config, KubernetesClient client, MeterRegistry registry, InstantSource clock) {
        this.config = config;
        this.metrics = new CertificateMetrics(registry);
        this.injector = new CaBundleInjector(client, registry);
        this.manager = new CertificateManager(config, new SecretStore(client, config.namespace()), injector,
                new ReplicaLeases(client, config.namespace()),
                new SecretEvents(client, config.namespace(), config.instance(), clock), metrics, clock, new SecureRandom());
        this.loop = new ReconcileLoop(this::reconcile, clock);
        this.leadership = new Leadership(client, config, this::lead, this::follow);
        injector.start(loop::trigger);
        this.informers = List.of(
                watchSecret(client, Material.CA_SECRET),
                watchSecret(client, Material.SERVING_SECRET),
                new ReplicaLeases(client, config.namespace()).watch(loop::trigger));
    }

    /** Starts watching and enters the election. */
    public static CertificateComponent start(CertsConfig config, KubernetesClient client, MeterRegistry registry,
            InstantSource clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(client, "client");
        if (config.issuer() != CertsConfig.Issuer.BUILTIN) {
            throw new IllegalArgumentException("--" + CertsConfig.CERTIFICATES.name() + "=cert-manager: cert-manager.io issues"
                    + " the certificates, so the built-in certificate component must not run");
        }
        var component = new CertificateComponent(config, client, registry, clock);
        component.leadership.start();
        return component;
    }

    public boolean leading() {
        return leadership.leading();
    }

    /** The leader's last reconcile pass; empty on an instance that does not lead (yet). */
    public java.util.Optional<CertificateManager.Pass> lastPass() {
        return leadership.leading() ? manager.lastPass() : java.util.Optional.empty();
    }

    public CertificateMetrics metrics() {
        return metrics;
    }

    public CertsConfig config() {
        return config;
    }

    /** Stops acting, releases the Lease (another instance takes over at once) and stops watching. */
    @Override
    public void close() {
        leadership.close();
        loop.close();
        injector.close();
        informers.forEach(SharedIndexInformer::close);
    }

    private CertificateManager.Pass reconcile() {
        try {
            return manager.reconcile();
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) {
                metrics.failed("Reconcile");
            }
            throw e;
        }
    }

    private void lead() {
        metrics.leading(true);
        manager.reset();
        loop.start();
    }

    private void follow() {
        metrics.leading(false);
        loop.stop();
        injector.stopHealing();
    }

    private SharedIndexInformer<Secret> watchSecret(KubernetesClient client, String name) {
        return client.secrets().inNamespace(config.namespace()).withField("metadata.name", name)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Secret secret) {
                        loop.trigger();
                    }

                    @Override
                    public void onUpdate(Secret before, Secret after) {
                        loop.trigger();
                    }

                    @Override
                    public void onDelete(Secret secret, boolean finalStateUnknown) {
                        loop.trigger();
                    }
                });
    }
}
