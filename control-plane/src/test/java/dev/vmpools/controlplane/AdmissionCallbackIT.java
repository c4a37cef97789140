package dev.vmpools.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponseBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReview;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionReviewBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The path every admission end-to-end test takes: the real API server calls an HTTPS endpoint in
 * the test JVM through a webhook configuration with {@code clientConfig.url} and a {@code caBundle},
 * and the endpoint's answer decides the create.
 */
@ExtendWith(ControlPlaneExtension.class)
class AdmissionCallbackIT {
    private final List<String> reviewedNames = new CopyOnWriteArrayList<>();
    private HttpsServer server;
    private String configurationName;
    private KubernetesClient root;

    @Test
    void apiServerCallsEndpointInTestJvmAndItsAnswerDecidesTheCreate(ControlPlane cp, TestNamespace ns) throws Exception {
        root = cp.client(TestUser.ROOT);
        server = startEndpoint(cp.authority().issueServing("test admission endpoint"));
        configurationName = "callback-" + ns.name();
        root.admissionRegistration().v1().validatingWebhookConfigurations().resource(configuration(cp, ns)).create();
        KubernetesClient alice = cp.client(TestUser.ALICE);
        // The aggregated ClusterRoles (edit, view) stay empty here: their controller does not run. A Role of our own:
        root.rbac().roles().inNamespace(ns.name()).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBuilder()
                .withNewMetadata().withName("configmap-writer").endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("create", "get").endRule().build()).create();
        root.rbac().roleBindings().inNamespace(ns.name()).resource(new io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder()
                .withNewMetadata().withName("alice-configmap-writer").endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("configmap-writer").endRoleRef()
                .addNewSubject().withKind("User").withName("alice").withApiGroup("rbac.authorization.k8s.io").endSubject()
                .build()).create();

        // Role bindings and webhook configurations take effect asynchronously: retry until the endpoint has seen a request.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .ignoreExceptionsInstanceOf(KubernetesClientException.class).until(() -> {
            alice.configMaps().inNamespace(ns.name()).resource(configMap("probe-" + reviewedNames.size(), false)).create();
            return !reviewedNames.isEmpty();
        });
        ConfigMap allowed = alice.configMaps().inNamespace(ns.name()).resource(configMap("allowed", false)).create();

        assertThat(allowed.getMetadata().getUid()).isNotBlank();
        assertThat(reviewedNames).contains("allowed");
        assertThatThrownBy(() -> alice.configMaps().inNamespace(ns.name()).resource(configMap("refused", true)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("refused by the test endpoint");
                });
        assertThat(reviewedNames).contains("refused");
        assertThat(root.configMaps().inNamespace(ns.name()).withName("refused").get()).isNull();
    }

    @AfterEach
    void stop() {
        if (configurationName != null) {
            root.admissionRegistration().v1().validatingWebhookConfigurations().withName(configurationName).delete();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private HttpsServer startEndpoint(LocalCertificates.Serving serving) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("serving", serving.key(), new char[0], new Certificate[] {serving.certificate(), serving.ca()});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        https.createContext("/validate", exchange -> {
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                byte[] body = answer(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                out.write(body);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(500, -1);
            }
        });
        https.start();
        return https;
    }

    /** Denies config maps labelled {@code deny=true}, allows the rest. */
    private String answer(String requestJson) {
        AdmissionReview review = Serialization.unmarshal(requestJson, AdmissionReview.class);
        ConfigMap object = Serialization.unmarshal(Serialization.asJson(review.getRequest().getObject()), ConfigMap.class);
        reviewedNames.add(object.getMetadata().getName());
        boolean deny = object.getMetadata().getLabels() != null && "true".equals(object.getMetadata().getLabels().get("deny"));
        AdmissionResponseBuilder response = new AdmissionResponseBuilder().withUid(review.getRequest().getUid()).withAllowed(!deny);
        if (deny) {
            response.withStatus(new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403).withReason("Forbidden")
                    .withMessage("refused by the test endpoint").build());
        }
        return Serialization.asJson(new AdmissionReviewBuilder().withApiVersion("admission.k8s.io/v1").withKind("AdmissionReview")
                .withResponse(response.build()).build());
    }

    private ValidatingWebhookConfiguration configuration(ControlPlane cp, TestNamespace ns) {
        return new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata().withName(configurationName).endMetadata()
                .addNewWebhook().withName("configmaps.test.vmpools.dev")
                .withNewClientConfig().withUrl("https://127.0.0.1:" + server.getAddress().getPort() + "/validate")
                .withCaBundle(cp.authority().caBase64()).endClientConfig()
                .addNewRule().withApiGroups("").withApiVersions("v1").withResources("configmaps")
                .withOperations("CREATE").withScope("Namespaced").endRule()
                .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", ns.name()).endNamespaceSelector()
                .withSideEffects("None").withAdmissionReviewVersions("v1").withFailurePolicy("Fail").withTimeoutSeconds(5)
                .endWebhook().build();
    }

    private static ConfigMap configMap(String name, boolean deny) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).addToLabels("deny", Boolean.toString(deny)).endMetadata().build();
    }
}
