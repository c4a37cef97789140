package dev.vmpools.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.LocalCertificates;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.webhook.tls.TlsMaterial;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.awaitility.Awaitility;

/**
 * The webhook as deployed, on the test control plane: the CRDs and RBAC of {@code manifests/}, the webhook
 * running in this JVM as its service account, and the webhook configurations of {@code manifests/webhooks}
 * (their real rules and matchConditions) pointed at it by URL, under names of their own and limited to the
 * given namespaces, so that the shared API server's other tests never meet them.
 */
public final class RunningWebhook implements AutoCloseable {

    private static final Pattern REQUESTS = Pattern.compile(
            "^vmpools_admission_requests_total\\{([^}]*)}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);

    private final ControlPlane cp;
    private final Webhook webhook;
    private final String configurationName;
    private final HttpClient https;

    private RunningWebhook(ControlPlane cp, Webhook webhook, String configurationName, HttpClient https) {
        this.cp = cp;
        this.webhook = webhook;
        this.configurationName = configurationName;
        this.https = https;
    }

    /**
     * Installs what the webhook needs, starts it for {@code namespaces} (the first one is probed until the
     * API server calls the webhook) with these extra options, and registers its configurations.
     */
    public static RunningWebhook start(ControlPlane cp, List<String> namespaces, Map<String, String> options) throws Exception {
        KubernetesClient root = cp.client(TestUser.ROOT);
        Path manifests = install(cp);
        for (String namespace : namespaces) {
            bindUsersAndWebhook(cp, namespace);
        }

        Map<String, String> all = new HashMap<>(Map.of("host", "127.0.0.1", "port", "0",
                "pool-namespaces", String.join(",", namespaces)));
        all.putAll(options);
        LocalCertificates.Serving serving = cp.authority().issueServing("vmpools webhook test");
        Webhook webhook = Webhook.start(WebhookConfig.from(all), cp.client(TestUser.WEBHOOK),
                new TlsMaterial(serving.key(), List.of(serving.certificate(), serving.ca())));

        String name = "vmpools-test-" + namespaces.getFirst();
        RunningWebhook running = new RunningWebhook(cp, webhook, name, httpsTrusting(cp.authority()));
        try {
            String base = "https://127.0.0.1:" + webhook.port();
            String caBundle = cp.authority().caBase64();
            var selector = new LabelSelectorBuilder().addNewMatchExpression().withKey("kubernetes.io/metadata.name")
                    .withOperator("In").withValues(namespaces).endMatchExpression().build();
            MutatingWebhookConfiguration mutating = (MutatingWebhookConfiguration) load(root, manifests.resolve("webhooks/mutating.yaml")).getFirst();
            mutating.setMetadata(new ObjectMetaBuilder().withName(name).build());
            for (MutatingWebhook hook : mutating.getWebhooks()) {
                hook.setClientConfig(new WebhookClientConfig(caBundle, null, base + hook.getClientConfig().getService().getPath()));
                hook.setNamespaceSelector(selector);
            }
            ValidatingWebhookConfiguration validating = (ValidatingWebhookConfiguration) load(root, manifests.resolve("webhooks/validating.yaml")).getFirst();
            validating.setMetadata(new ObjectMetaBuilder().withName(name).build());
            for (ValidatingWebhook hook : validating.getWebhooks()) {
                hook.setClientConfig(new WebhookClientConfig(caBundle, null, base + hook.getClientConfig().getService().getPath()));
                hook.setNamespaceSelector(selector);
            }
            root.resource(mutating).create();
            root.resource(validating).create();

            // Bindings and configurations take effect asynchronously: probe with a dry run until the webhook answers.
            KubernetesClient alice = cp.client(TestUser.ALICE);
            VmAssignment probe = new VmAssignment();
            probe.setMetadata(new ObjectMetaBuilder().withName("probe").build());
            probe.setSpec(new VmAssignmentSpec("no-such-pool", null));
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    alice.resources(VmAssignment.class).inNamespace(namespaces.getFirst()).resource(probe).dryRun().create();
                    return false;
                } catch (KubernetesClientException e) {
                    return e.getStatus() != null && "PoolNotFound".equals(e.getStatus().getReason());
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(webhook::cachesSynced);
            assertThat(running.metrics()).contains("vmpools_admission_requests_total");
            return running;
        } catch (Exception | AssertionError e) {
            running.close();
            throw e;
        }
    }

    /** Installs the CRDs, the ClusterRoles of users, and the cluster-wide RBAC of webhook and scheduler; answers the manifests folder. */
    public static Path install(ControlPlane cp) throws IOException {
        KubernetesClient root = cp.client(TestUser.ROOT);
        Path manifests = Binaries.repositoryRoot().resolve("manifests");
        for (String crd : List.of("vmassignment", "vmpool", "vms-minimal")) {
            cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-k", manifests.resolve("crds/" + crd).toString());
        }
        cp.kubectl(TestUser.ROOT, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/vmassignments.vmpools.dev", "crd/vmpools.vmoperator.jdrupes.org", "crd/vms.vmoperator.jdrupes.org");
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-f", manifests.resolve("rbac/users.yaml").toString());
        // Only what is cluster-scoped: the Roles live in vmpools-system, which the shared control plane need not have.
        for (String component : List.of("webhook", "scheduler")) {
            for (HasMetadata item : load(root, manifests.resolve("rbac/" + component + ".yaml"))) {
                if (item instanceof ClusterRole || item instanceof ClusterRoleBinding) {
                    root.resource(item).forceConflicts().serverSideApply();
                }
            }
        }
        return manifests;
    }

    /**
     * Makes {@code namespace} a pool namespace (manifests/pool-namespace: the webhook's and scheduler's rights) and
     * binds the users: group {@code user}, carol and the delegate to vmpools-user; the admin group, dave, the
     * delegate and VM-Operator to vmpools-pool-admin.
     */
    public static void bindUsersAndWebhook(ControlPlane cp, String namespace) {
        KubernetesClient root = cp.client(TestUser.ROOT);
        Path manifests = Binaries.repositoryRoot().resolve("manifests");
        cp.kubectl(TestUser.ROOT, "apply", "-k", manifests.resolve("pool-namespace").toString(), "-n", namespace);
        bind(root, namespace, "vmpools-user", group("user"), user("carol"), serviceAccount("gitops", "deployer"));
        bind(root, namespace, "vmpools-pool-admin", group("vmpools:admins"), user("dave"),
                serviceAccount("gitops", "deployer"), serviceAccount("vmop-system", "vm-operator"));
    }

    public Webhook webhook() {
        return webhook;
    }

    /** Admission requests the server has answered so far, of this kind (VmAssignment, VmPool, VirtualMachine). */
    public long requests(String kind) {
        long total = 0;
        Matcher matcher = REQUESTS.matcher(metrics());
        while (matcher.find()) {
            if (matcher.group(1).contains("kind=\"" + kind + "\"")) {
                total += (long) Double.parseDouble(matcher.group(2));
            }
        }
        return total;
    }

    /** The server's {@code /metrics}. */
    public String metrics() {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** GET on the webhook's server, e.g. {@code /health/ready}. */
    public HttpResponse<String> get(String path) {
        try {
            return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + webhook.port() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Removes the configurations first (a webhook that fails closed must not outlive its server), then stops. */
    @Override
    public void close() {
        KubernetesClient root = cp.client(TestUser.ROOT);
        root.admissionRegistration().v1().mutatingWebhookConfigurations().withName(configurationName).delete();
        root.admissionRegistration().v1().validatingWebhookConfigurations().withName(configurationName).delete();
        webhook.close();
        https.close();
    }

    private static List<HasMetadata> load(KubernetesClient client, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new ArrayList<>(client.load(in).items());
        }
    }

    private static void bind(KubernetesClient root, String namespace, String clusterRole, Subject... subjects) {
        root.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName(clusterRole + "-test").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(clusterRole).endRoleRef()
                .withSubjects(subjects).build()).forceConflicts().serverSideApply();
    }

    private static Subject group(String name) {
        return new SubjectBuilder().withKind("Group").withName(name).withApiGroup("rbac.authorization.k8s.io").build();
    }

    private static Subject user(String name) {
        return new SubjectBuilder().withKind("User").withName(name).withApiGroup("rbac.authorization.k8s.io").build();
    }

    private static Subject serviceAccount(String namespace, String name) {
        return new SubjectBuilder().withKind("ServiceAccount").withNamespace(namespace).withName(name).build();
    }

    private static HttpClient httpsTrusting(LocalCertificates authority) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", authority.ca());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
