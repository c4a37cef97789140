package dev.vmpools.certs.k8s;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.certs.pki.Pem;
import dev.vmpools.certs.pki.PemOutcome;
import dev.vmpools.certs.rotation.BundleReadBack;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The two webhook configurations named {@code vmpools}, reduced to what certificates care about: each
 * webhook's {@code caBundle}. Reads are by name (live, or from informers with a {@code metadata.name}
 * field selector), which is all RBAC grants: the component never lists other configurations and never
 * creates these.
 */
public final class WebhookConfigurations {

    public static final String NAME = "vmpools";

    private final KubernetesClient client;

    public WebhookConfigurations(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** Which of the two configurations. */
    public enum Kind {
        MUTATING("MutatingWebhookConfiguration"),
        VALIDATING("ValidatingWebhookConfiguration");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A webhook of a configuration: its name and its {@code caBundle} as PEM text (empty when absent). */
    public record Webhook(String name, String caBundle) {
        public Webhook {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(caBundle, "caBundle");
        }
    }

    /** A configuration as read: its uid (the precondition of every apply) and its webhooks in order. */
    public record Configuration(Kind kind, String uid, List<Webhook> webhooks) {
        public Configuration {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(uid, "uid");
            webhooks = List.copyOf(webhooks);
        }

        /** One read-back per webhook, for the rotation planner; a bundle that does not decode carries no CA. */
        public List<BundleReadBack> readBacks() {
            return webhooks.stream()
                    .map(webhook -> new BundleReadBack(kind + " " + NAME + ", webhook " + webhook.name(),
                            certificates(webhook.caBundle())))
                    .toList();
        }
    }

    /** The configuration as the API server holds it now; empty when it does not exist. */
    public Optional<Configuration> read(Kind kind) {
        HasMetadata object = switch (kind) {
            case MUTATING -> client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(NAME).get();
            case VALIDATING -> client.admissionRegistration().v1().validatingWebhookConfigurations().withName(NAME).get();
        };
        return Optional.ofNullable(object).map(WebhookConfigurations::configuration);
    }

    /**
     * Every webhook's {@code caBundle}, read live from both configurations. A configuration that does not
     * exist reads back as one entry without CAs, so the planner never moves on to a CA it cannot see trusted.
     */
    public List<BundleReadBack> readBack() {
        var readBacks = new ArrayList<BundleReadBack>();
        for (var kind : Kind.values()) {
            read(kind).ifPresentOrElse(configuration -> readBacks.addAll(configuration.readBacks()),
                    () -> readBacks.add(new BundleReadBack(kind + " " + NAME + " (does not exist)", List.of())));
        }
        return List.copyOf(readBacks);
    }

    /** Informers on both configurations, selected by name; {@code onChange} gets each added or updated one. */
    public Watch watch(java.util.function.Consumer<Configuration> onChange, Runnable onDelete) {
        var handler = new ResourceEventHandler<HasMetadata>() {
            @Override
            public void onAdd(HasMetadata object) {
                onChange.accept(configuration(object));
            }

            @Override
            public void onUpdate(HasMetadata before, HasMetadata after) {
                onChange.accept(configuration(after));
            }

            @Override
            public void onDelete(HasMetadata object, boolean finalStateUnknown) {
                onDelete.run();
            }
        };
        SharedIndexInformer<MutatingWebhookConfiguration> mutating = client.admissionRegistration().v1()
                .mutatingWebhookConfigurations().withField("metadata.name", NAME).inform(cast(handler));
        SharedIndexInformer<ValidatingWebhookConfiguration> validating = client.admissionRegistration().v1()
                .validatingWebhookConfigurations().withField("metadata.name", NAME).inform(cast(handler));
        return new Watch(mutating, validating);
    }

    /** Running informers of both configurations; their caches answer without calling the API server. */
    public static final class Watch implements AutoCloseable {
        private final SharedIndexInformer<MutatingWebhookConfiguration> mutating;
        private final SharedIndexInformer<ValidatingWebhookConfiguration> validating;

        private Watch(SharedIndexInformer<MutatingWebhookConfiguration> mutating,
                SharedIndexInformer<ValidatingWebhookConfiguration> validating) {
            this.mutating = mutating;
            this.validating = validating;
        }

        /** The configurations as last seen; a missing one is absent from the list. */
        public List<Configuration> cached() {
            var configurations = new ArrayList<Configuration>();
            mutating.getStore().list().forEach(object -> configurations.add(configuration(object)));
            validating.getStore().list().forEach(object -> configurations.add(configuration(object)));
            return List.copyOf(configurations);
        }

        public boolean synced() {
            return mutating.hasSynced() && validating.hasSynced();
        }

        @Override
        public void close() {
            mutating.close();
            validating.close();
        }
    }

    /** PEM text as a {@code caBundle} field carries it (base64 of the PEM bytes). */
    public static String caBundleField(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    static Configuration configuration(HasMetadata object) {
        var webhooks = new ArrayList<Webhook>();
        Kind kind;
        if (object instanceof MutatingWebhookConfiguration mutating) {
            kind = Kind.MUTATING;
            mutating.getWebhooks().forEach(webhook -> webhooks.add(new Webhook(webhook.getName(),
                    pem(webhook.getClientConfig()))));
        } else if (object instanceof ValidatingWebhookConfiguration validating) {
            kind = Kind.VALIDATING;
            validating.getWebhooks().forEach(webhook -> webhooks.add(new Webhook(webhook.getName(),
                    pem(webhook.getClientConfig()))));
        } else {
            throw new IllegalArgumentException("not a webhook configuration: " + object.getKind());
        }
        return new Configuration(kind, object.getMetadata().getUid(), webhooks);
    }

    private static String pem(WebhookClientConfig clientConfig) {
        if (clientConfig == null || clientConfig.getCaBundle() == null || clientConfig.getCaBundle().isBlank()) {
            return "";
        }
        try {
            return new String(Base64.getMimeDecoder().decode(clientConfig.getCaBundle()), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            // Not base64 at all: as useless to a client as no bundle; it is replaced like one.
            return "(not base64) " + clientConfig.getCaBundle();
        }
    }

    private static List<X509Certificate> certificates(String pem) {
        return Pem.decodeCertificates(pem) instanceof PemOutcome.Decoded<List<X509Certificate>> decoded
                ? decoded.value()
                : List.of();
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> ResourceEventHandler<T> cast(ResourceEventHandler<HasMetadata> handler) {
        return (ResourceEventHandler<T>) handler;
    }
}
