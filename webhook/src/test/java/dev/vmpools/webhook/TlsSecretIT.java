package dev.vmpools.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.vmpools.certs.k8s.ReplicaLeases;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.LocalCertificates;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.webhook.tls.TlsMaterialException;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Webhook#start(WebhookConfig, KubernetesClient)} without TLS files: it serves the certificate of the Secret
 * vmpools-webhook-tls, as its service account with the rights of manifests/rbac/webhook.yaml (that one Secret,
 * Leases), swaps it in place when the Secret changes and reports the serial served in its replica Lease.
 */
@ExtendWith(ControlPlaneExtension.class)
class TlsSecretIT {

    private static final String SECRET = Material.SERVING_SECRET;

    private static ControlPlane cp;
    private static String ns;
    /** A namespace where the Secret is never written. */
    private static String empty;

    @BeforeAll
    static void rights(ControlPlane controlPlane, TestNamespace namespace) throws Exception {
        cp = controlPlane;
        ns = namespace.name();
        empty = ns + "-empty";
        KubernetesClient root = cp.client(TestUser.ROOT);
        root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(empty).endMetadata().build()).create();
        RunningWebhook.install(cp);
        RunningWebhook.bindUsersAndWebhook(cp, ns);
        // The Role of manifests/rbac/webhook.yaml lives in vmpools-system; the same rules here, in the test's namespaces.
        for (String where : List.of(ns, empty)) {
            root.rbac().roles().inNamespace(where).resource(new RoleBuilder().withNewMetadata().withName("webhook-tls").endMetadata()
                    .addNewRule().withApiGroups("").withResources("secrets").withResourceNames(SECRET)
                    .withVerbs("get", "list", "watch").endRule()
                    .addNewRule().withApiGroups("coordination.k8s.io").withResources("leases")
                    .withVerbs("create", "get", "update").endRule().build()).create();
            root.rbac().roleBindings().inNamespace(where).resource(new RoleBindingBuilder().withNewMetadata().withName("webhook-tls").endMetadata()
                    .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("webhook-tls").endRoleRef()
                    .addNewSubject().withKind("ServiceAccount").withNamespace("vmpools-system").withName("webhook").endSubject()
                    .build()).create();
        }
    }

    @AfterAll
    static void removeEmpty() {
        cp.client(TestUser.ROOT).namespaces().withName(empty).delete();
    }

    @Test
    void servesTheSecretsCertificateAndSwapsItWhenTheSecretChanges() throws Exception {
        KubernetesClient root = cp.client(TestUser.ROOT);
        LocalCertificates.Serving first = cp.authority().issueServing("first");
        LocalCertificates.Serving second = cp.authority().issueServing("second");
        LocalCertificates.Serving third = cp.authority().issueServing("third");
        root.secrets().inNamespace(ns).resource(secret(first.keyPem(), first)).create();

        try (Webhook webhook = Webhook.start(config(ns, "PT10S"), cp.client(TestUser.WEBHOOK))) {
            assertThat(servedSerial(webhook)).isEqualTo(first.certificate().getSerialNumber());

            root.secrets().inNamespace(ns).resource(secret(second.keyPem(), second)).update();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(webhook).equals(second.certificate().getSerialNumber()));

            // Half-written (the new key, the old certificate): refused, the certificate served stays.
            root.secrets().inNamespace(ns).resource(secret(third.keyPem(), second)).update();
            root.secrets().inNamespace(ns).resource(secret(third.keyPem(), third)).update();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(webhook).equals(third.certificate().getSerialNumber()));
            assertThat(webhook.server().tlsReloader().serving().serial()).isEqualTo(third.certificate().getSerialNumber());
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(root.leases().inNamespace(ns)
                    .withName(ReplicaLeases.PREFIX + "it-replica").get().getMetadata().getAnnotations())
                    .containsEntry(ReplicaLeases.SERVING_SERIAL, ReplicaLeases.formatSerial(third.certificate().getSerialNumber())));
        }
    }

    @Test
    void startUpFailsNamingASecretThatNeverCame() {
        assertThatThrownBy(() -> Webhook.start(config(empty, "PT1S"), cp.client(TestUser.WEBHOOK)))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining("no usable certificate in Secret " + SECRET + " within PT1S");
    }

    private static WebhookConfig config(String namespace, String wait) {
        return WebhookConfig.from(Map.of("host", "127.0.0.1", "port", "0", "namespace", namespace, "instance", "it-replica",
                "replica-lease-renewal", "PT0.5S", "tls-wait", wait, "pool-namespaces", ns));
    }

    private static Secret secret(String keyPem, LocalCertificates.Serving certificate) {
        String chain = certificate.certificatePem() + LocalCertificates.pem("CERTIFICATE", encoded(certificate.ca()));
        return new SecretBuilder().withNewMetadata().withName(SECRET).endMetadata().withType("kubernetes.io/tls")
                .withData(Map.of("tls.key", base64(keyPem), "tls.crt", base64(chain))).build();
    }

    /** The serial of the certificate a new TLS connection is served. */
    private static BigInteger servedSerial(Webhook webhook) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", cp.authority().ca());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        try (HttpClient client = HttpClient.newBuilder().sslContext(tls).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + webhook.port() + "/health/live"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return ((X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
