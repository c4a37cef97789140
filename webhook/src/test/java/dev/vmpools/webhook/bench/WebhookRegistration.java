package dev.vmpools.webhook.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.awaitility.Awaitility;

/**
 * The webhook configurations of {@code manifests/webhooks} (their real rules, matchConditions and failure
 * policy) registered under a name of their own, pointed by URL at a webhook served on 127.0.0.1 and limited to
 * the given namespace, so that the shared API server's other namespaces never call it.
 */
final class WebhookRegistration implements AutoCloseable {

    private final KubernetesClient root;
    private final String name;

    private WebhookRegistration(KubernetesClient root, String name) {
        this.root = root;
        this.name = name;
    }

    /** Registers both configurations and waits until the API server calls the webhook for {@code namespace}. */
    static WebhookRegistration register(ControlPlane cp, int port, String namespace) throws IOException {
        WebhookRegistration registration = register(cp, port, namespace, UnaryOperator.identity(), UnaryOperator.identity());
        awaitCalls(cp, namespace, "PoolNotFound", registration);
        return registration;
    }

    /**
     * Registers both configurations for {@link AllowingService} instead: same rules and matchConditions, every
     * path {@link AllowingService#PATH}, each webhook's name prefixed with {@code stand-in.} so that the API
     * server's metrics keep it apart from ours.
     */
    static WebhookRegistration registerStandIn(ControlPlane cp, int port, String namespace) throws IOException {
        WebhookRegistration registration = register(cp, port, namespace, ignored -> AllowingService.PATH, name -> "stand-in." + name);
        awaitCalls(cp, namespace, AllowingService.PROBE_DENIED, registration);
        return registration;
    }

    private static WebhookRegistration register(ControlPlane cp, int port, String namespace, UnaryOperator<String> paths,
                                                UnaryOperator<String> names) throws IOException {
        KubernetesClient root = cp.client(TestUser.ROOT);
        Path manifests = Binaries.repositoryRoot().resolve("manifests");
        String name = "vmpools-bench-" + namespace;
        String base = "https://127.0.0.1:" + port;
        String caBundle = cp.authority().caBase64();
        LabelSelector selector = new LabelSelectorBuilder().addNewMatchExpression().withKey("kubernetes.io/metadata.name")
                .withOperator("In").withValues(namespace).endMatchExpression().build();

        MutatingWebhookConfiguration mutating = load(root, manifests.resolve("webhooks/mutating.yaml"), MutatingWebhookConfiguration.class);
        mutating.setMetadata(new ObjectMetaBuilder().withName(name).build());
        for (MutatingWebhook hook : mutating.getWebhooks()) {
            hook.setClientConfig(new WebhookClientConfig(caBundle, null, base + paths.apply(hook.getClientConfig().getService().getPath())));
            hook.setNamespaceSelector(selector);
            hook.setName(names.apply(hook.getName()));
        }
        ValidatingWebhookConfiguration validating = load(root, manifests.resolve("webhooks/validating.yaml"), ValidatingWebhookConfiguration.class);
        validating.setMetadata(new ObjectMetaBuilder().withName(name).build());
        for (ValidatingWebhook hook : validating.getWebhooks()) {
            hook.setClientConfig(new WebhookClientConfig(caBundle, null, base + paths.apply(hook.getClientConfig().getService().getPath())));
            hook.setNamespaceSelector(selector);
            hook.setName(names.apply(hook.getName()));
        }
        root.resource(mutating).create();
        root.resource(validating).create();
        return new WebhookRegistration(root, name);
    }

    /** Configurations take effect asynchronously: probes with a dry run until the webhook denies it for this reason. */
    private static void awaitCalls(ControlPlane cp, String namespace, String reason, WebhookRegistration registration) {
        KubernetesClient alice = cp.client(TestUser.ALICE);
        VmAssignment probe = new VmAssignment();
        probe.setMetadata(new ObjectMetaBuilder().withName("probe").build());
        probe.setSpec(new VmAssignmentSpec("no-such-pool", null));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    alice.resources(VmAssignment.class).inNamespace(namespace).resource(probe).dryRun().create();
                    return false;
                } catch (KubernetesClientException e) {
                    return e.getStatus() != null && reason.equals(e.getStatus().getReason());
                }
            });
        } catch (RuntimeException e) {
            registration.close();
            throw e;
        }
    }

    @Override
    public void close() {
        root.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name).delete();
        root.admissionRegistration().v1().validatingWebhookConfigurations().withName(name).delete();
    }

    private static <T> T load(KubernetesClient client, Path file, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<?> items = client.load(in).items();
            return type.cast(items.stream().filter(type::isInstance).findFirst()
                    .orElseThrow(() -> new IllegalStateException(file + " holds no " + type.getSimpleName())));
        }
    }
}
