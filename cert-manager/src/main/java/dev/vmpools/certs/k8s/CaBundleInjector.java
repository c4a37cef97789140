package dev.vmpools.certs.k8s;

import java.lang.System.Logger.Level;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.certs.k8s.WebhookConfigurations.Configuration;
import dev.vmpools.certs.k8s.WebhookConfigurations.Kind;
import dev.vmpools.certs.pki.Pem;
import dev.vmpools.certs.pki.ServingMaterial;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Puts the trusted CA certificates into the {@code caBundle} of every webhook of both configurations
 * {@code vmpools}, by server-side apply with the field manager {@value #FIELD_MANAGER}: the component owns
 * that one field and nothing else, so a GitOps tool applying the manifests (which carry no
 * {@code caBundle}) neither removes it nor conflicts with it.
 *
 * <p>Every apply carries the configuration's uid as a precondition, so it never creates a configuration
 * (nor writes into one deleted and recreated since it was read). Once told a bundle, the injector watches
 * both configurations and applies it again whenever a webhook carries anything else, so a
 * {@code kubectl replace}, a JSON patch or an update-based sync that wiped it heals within moments.
 * {@link #stopHealing()} makes it a bystander again (an instance that lost the leadership).
 */
public final class CaBundleInjector implements AutoCloseable {

    public static final String FIELD_MANAGER = "vmpools-certs";

    private static final System.Logger LOG = System.getLogger(CaBundleInjector.class.getName());

    private final KubernetesClient client;
    private final WebhookConfigurations configurations;
    private final Counter heals;
    private volatile Optional<String> desired = Optional.empty();
    private WebhookConfigurations.Watch watch;

    public CaBundleInjector(KubernetesClient client, MeterRegistry registry) {
        this.client = Objects.requireNonNull(client, "client");
        this.configurations = new WebhookConfigurations(client);
        this.heals = Counter.builder("vmpools.certs.cabundle.heals")
                .description("caBundle applied again because a configuration carried another one (wiped or edited)")
                .register(registry);
    }

    /** What an injection did to one configuration. */
    public sealed interface Injection {
        Kind kind();

        /** Applied to these webhooks. */
        record Applied(Kind kind, List<String> webhooks) implements Injection {
        }

        /** Every webhook already carried the bundle: nothing sent. */
        record Unchanged(Kind kind) implements Injection {
        }

        /** The configuration does not exist; it is injected once it is created (it is never created here). */
        record Missing(Kind kind) implements Injection {
        }

        /** The configuration was deleted or replaced since it was read: read again. */
        record Conflict(Kind kind, String message) implements Injection {
        }

        /** The API server refused the apply (e.g. a webhook entry vanished in between): read again later. */
        record Rejected(Kind kind, String message) implements Injection {
        }
    }

    /** The configurations, for reads. */
    public WebhookConfigurations configurations() {
        return configurations;
    }

    /**
     * From now on {@code bundle} is what every webhook must carry; applies it where it is not carried yet.
     */
    public List<Injection> inject(List<X509Certificate> bundle) {
        var pem = Pem.encodeCertificates(bundle);
        desired = Optional.of(pem);
        var outcomes = new ArrayList<Injection>();
        for (var kind : Kind.values()) {
            outcomes.add(configurations.read(kind)
                    .map(configuration -> apply(configuration, pem, ServingMaterial.describeCas(bundle)))
                    .orElseGet(() -> new Injection.Missing(kind)));
        }
        return List.copyOf(outcomes);
    }

    /** Remembers {@code bundle} as what every webhook must carry, without applying it now (see {@link #inject}). */
    public void desire(List<X509Certificate> bundle) {
        desired = Optional.of(Pem.encodeCertificates(bundle));
    }

    /** Forgets the bundle: no more applies until the next {@link #inject} or {@link #desire}. */
    public void stopHealing() {
        desired = Optional.empty();
    }

    /**
     * Starts the informers on both configurations: a configuration that carries another bundle than the one
     * desired is healed; then {@code onChange} runs (to let a reconciler look again).
     */
    public synchronized void start(Runnable onChange) {
        if (watch != null) {
            throw new IllegalStateException("already started");
        }
        watch = configurations.watch(configuration -> {
            heal(configuration);
            onChange.run();
        }, onChange);
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    private void heal(Configuration configuration) {
        var pem = desired;
        if (pem.isEmpty() || carries(configuration, pem.get())) {
            return;
        }
        try {
            var lacking = configuration.webhooks().stream().filter(webhook -> !webhook.caBundle().equals(pem.get()))
                    .map(WebhookConfigurations.Webhook::name).toList();
            LOG.log(Level.WARNING, () -> configuration.kind() + " " + WebhookConfigurations.NAME + ": webhooks " + lacking
                    + " carry another caBundle than the trusted CAs (wiped by an apply, a replace or a sync?); applying it again");
            var outcome = apply(configuration, pem.get(), "the trusted CAs");
            if (outcome instanceof Injection.Applied) {
                heals.increment();
            }
        } catch (KubernetesClientException e) {
            LOG.log(Level.WARNING, "cannot heal the caBundle of " + configuration.kind() + " " + WebhookConfigurations.NAME
                    + " (" + e.getMessage() + "); the certificate reconciler tries again", e);
        }
    }

    private static boolean carries(Configuration configuration, String pem) {
        return configuration.webhooks().stream().allMatch(webhook -> webhook.caBundle().equals(pem));
    }

    private Injection apply(Configuration configuration, String pem, String what) {
        var kind = configuration.kind();
        if (carries(configuration, pem)) {
            return new Injection.Unchanged(kind);
        }
        var names = configuration.webhooks().stream().map(WebhookConfigurations.Webhook::name).toList();
        var field = WebhookConfigurations.caBundleField(pem);
        HasMetadata applied = switch (kind) {
            case MUTATING -> new MutatingWebhookConfigurationBuilder()
                    .withNewMetadata().withName(WebhookConfigurations.NAME).withUid(configuration.uid()).endMetadata()
                    .withWebhooks(names.stream().map(name -> new MutatingWebhookBuilder().withName(name)
                            .withNewClientConfig().withCaBundle(field).endClientConfig().build()).toList())
                    .build();
            case VALIDATING -> new ValidatingWebhookConfigurationBuilder()
                    .withNewMetadata().withName(WebhookConfigurations.NAME).withUid(configuration.uid()).endMetadata()
                    .withWebhooks(names.stream().map(name -> new ValidatingWebhookBuilder().withName(name)
                            .withNewClientConfig().withCaBundle(field).endClientConfig().build()).toList())
                    .build();
        };
        try {
            // Forced: the caBundle is this component's alone, whoever wrote it last (a client-side apply, a tool).
            client.resource(applied).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        } catch (KubernetesClientException e) {
            return switch (e.getCode()) {
                case 404 -> new Injection.Missing(kind);
                case 409 -> new Injection.Conflict(kind, kind + " " + WebhookConfigurations.NAME
                        + " was deleted or replaced since it was read (" + reason(e) + ")");
                case 422 -> new Injection.Rejected(kind, kind + " " + WebhookConfigurations.NAME + " refused the caBundle: "
                        + reason(e));
                default -> throw e;
            };
        }
        LOG.log(Level.INFO, () -> "caBundle of " + kind + " " + WebhookConfigurations.NAME + " (webhooks " + names + ") is now "
                + what);
        return new Injection.Applied(kind, names);
    }

    private static String reason(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
