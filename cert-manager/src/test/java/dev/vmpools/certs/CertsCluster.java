package dev.vmpools.certs;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vmpools.certs.k8s.WebhookConfigurations;
import dev.vmpools.certs.pki.Pem;
import dev.vmpools.certs.pki.PemOutcome;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The part of the shared control plane the certificate component works on: namespace {@code vmpools-system}
 * with the manifests' RBAC, and the two configurations {@code vmpools} of the local overlay, but with a
 * namespaceSelector that matches only the test class's namespace, so that they never stand in the way of
 * other test classes. {@link #close()} removes the configurations and everything the component wrote.
 */
public final class CertsCluster implements AutoCloseable {

    public static final String NAMESPACE = "vmpools-system";
    /**
     * manifests/rbac/certs.yaml grants no Events; until it does, this test-only Role lets the component
     * record its Events on the Secrets (without it, the component logs once and carries on).
     */
    private final ControlPlane cp;
    private final TestNamespace ns;
    private final KubernetesClient root;

    public CertsCluster(ControlPlane cp, TestNamespace ns) {
        this.cp = cp;
        this.ns = ns;
        this.root = cp.client(TestUser.ROOT);
    }

    public static Path manifests(String path) {
        return Binaries.repositoryRoot().resolve("manifests").resolve(path);
    }

    /** Namespace, RBAC of certs and webhook, no leftovers, and both configurations. */
    public CertsCluster prepare() {
        if (root.namespaces().withName(NAMESPACE).get() == null) {
            root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                    .create();
        }
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts",
                "-f", manifests("rbac/certs.yaml").toString(), "-f", manifests("rbac/webhook.yaml").toString());
        forgetCertificates();
        createConfigurations();
        return this;
    }

    /** Deletes both Secrets, the election Lease and every replica Lease. */
    public void forgetCertificates() {
        root.secrets().inNamespace(NAMESPACE).withName(Material.CA_SECRET).withGracePeriod(0).delete();
        root.secrets().inNamespace(NAMESPACE).withName(Material.SERVING_SECRET).withGracePeriod(0).delete();
        root.leases().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(lease -> lease.getMetadata().getName().startsWith("vmpools-webhook-")
                        || lease.getMetadata().getName().equals("vmpools-certs"))
                .forEach(lease -> root.leases().inNamespace(NAMESPACE).resource(lease).delete());
    }

    /** The local overlay's configurations, restricted to the test namespace, without caBundle. */
    public List<HasMetadata> renderedConfigurations() {
        var rendered = cp.kubectl(TestUser.ROOT, "kustomize", manifests("overlays/local").toString());
        var configurations = new ArrayList<HasMetadata>();
        for (var object : root.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items()) {
            var onlyTestNamespace = new LabelSelectorBuilder().withMatchLabels(Map.of("kubernetes.io/metadata.name", ns.name()))
                    .build();
            if (object instanceof MutatingWebhookConfiguration mutating) {
                mutating.getWebhooks().forEach(webhook -> webhook.setNamespaceSelector(onlyTestNamespace));
                configurations.add(mutating);
            } else if (object instanceof ValidatingWebhookConfiguration validating) {
                validating.getWebhooks().forEach(webhook -> webhook.setNamespaceSelector(onlyTestNamespace));
                configurations.add(validating);
            }
        }
        if (configurations.size() != 2) {
            throw new IllegalStateException("overlays/local renders " + configurations.size() + " webhook configurations, expected 2");
        }
        return configurations;
    }

    public void createConfigurations() {
        deleteConfigurations();
        renderedConfigurations().forEach(configuration -> root.resource(configuration).create());
    }

    public void deleteConfigurations() {
        root.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WebhookConfigurations.NAME).delete();
        root.admissionRegistration().v1().validatingWebhookConfigurations().withName(WebhookConfigurations.NAME).delete();
    }

    /** Every webhook's caBundle decoded, both configurations in order; an empty list for a missing or bad bundle. */
    public List<List<X509Certificate>> bundles() {
        var bundles = new ArrayList<List<X509Certificate>>();
        var configurations = new WebhookConfigurations(root);
        for (var kind : WebhookConfigurations.Kind.values()) {
            configurations.read(kind).ifPresent(configuration -> configuration.webhooks().forEach(webhook ->
                    bundles.add(Pem.decodeCertificates(webhook.caBundle()) instanceof PemOutcome.Decoded<List<X509Certificate>> d
                            ? d.value() : List.of())));
        }
        return bundles;
    }

    public int webhookCount() {
        return root.admissionRegistration().v1().mutatingWebhookConfigurations().withName(WebhookConfigurations.NAME).get()
                .getWebhooks().size()
                + root.admissionRegistration().v1().validatingWebhookConfigurations().withName(WebhookConfigurations.NAME).get()
                .getWebhooks().size();
    }

    @Override
    public void close() {
        deleteConfigurations();
        forgetCertificates();
    }
}
