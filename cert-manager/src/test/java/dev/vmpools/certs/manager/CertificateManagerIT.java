package dev.vmpools.certs.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.vmpools.certs.CertsCluster;
import dev.vmpools.certs.CertsConfig;
import dev.vmpools.certs.LogCapture;
import dev.vmpools.certs.TestConfigs;
import dev.vmpools.certs.k8s.SecretStore;
import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.pki.SubjectAltNames;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.renewal.Stored;
import dev.vmpools.certs.rotation.Step;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The certificate component on the real API server, as the ServiceAccount {@code certs} with the manifests'
 * RBAC, against the local overlay's two configurations {@code vmpools} (restricted to this class's
 * namespace): first start, restart, deleted Secrets, wiped bundles and tampered Secrets.
 */
@ExtendWith(ControlPlaneExtension.class)
class CertificateManagerIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static CertsCluster cluster;

    private final List<AutoCloseable> running = new ArrayList<>();
    private ControlPlane cp;
    private KubernetesClient root;
    private SecretStore secrets;

    @BeforeAll
    static void prepare(ControlPlane cp, TestNamespace ns) {
        cluster = new CertsCluster(cp, ns).prepare();
    }

    @AfterAll
    static void clean() {
        cluster.close();
    }

    @BeforeEach
    void fresh(ControlPlane cp) {
        this.cp = cp;
        this.root = cp.client(TestUser.ROOT);
        this.secrets = new SecretStore(root, CertsCluster.NAMESPACE);
        cluster.forgetCertificates();
        cluster.createConfigurations();
    }

    @AfterEach
    void stop() throws Exception {
        for (var closeable : running.reversed()) {
            closeable.close();
        }
    }

    @Test
    void firstStartCreatesBothSecretsAndInjectsTheCaIntoEveryWebhook() {
        var component = start("first");

        awaitSettled(component);

        var serving = servingMaterial();
        assertThat(serving.verify(InstantSource.system().instant()).verified()).isTrue();
        assertThat(SubjectAltNames.namesOf(serving.leaf())).contains("vmpools-webhook.vmpools-system.svc", "127.0.0.1");
        assertThat(cluster.webhookCount()).isEqualTo(4);
        assertThat(component.metrics().rotations("ca")).isEqualTo(1);
        assertThat(component.metrics().rotations("serving")).isEqualTo(1);
    }

    @Test
    void aRestartReusesTheSecretsAndCreatesNoNewCa() throws Exception {
        var first = start("before-restart");
        var cas = awaitSettled(first);
        var versions = versions();
        first.close();

        var second = start("after-restart");

        awaitSettled(second);
        assertThat(currentCas().current().certificate()).isEqualTo(cas.current().certificate());
        assertThat(versions()).isEqualTo(versions);
        assertThat(second.metrics().rotations("ca") + second.metrics().rotations("serving")).isZero();
    }

    @Test
    void aDeletedServingSecretIsRecreatedFromTheSameCa() {
        var component = start("serving-deleted");
        var cas = awaitSettled(component);
        var before = servingMaterial().leaf();

        root.secrets().inNamespace(CertsCluster.NAMESPACE).withName(Material.SERVING_SECRET).delete();

        await().atMost(PATIENCE).until(() -> secrets.readServing().stored() instanceof Stored.Present<ServingMaterial> p
                && !p.value().leaf().equals(before));
        assertThat(awaitSettled(component).current().certificate()).isEqualTo(cas.current().certificate());
    }

    @Test
    void aDeletedCaSecretIsRecreatedAndInjectedByRotatingFromTheCaStillServing() {
        var component = start("ca-deleted");
        var old = awaitSettled(component).current().certificate();

        root.secrets().inNamespace(CertsCluster.NAMESPACE).withName(Material.CA_SECRET).delete();

        // The new CA goes through the rotation: both CAs in every bundle, then the new leaf, then the old CA dropped.
        await().atMost(PATIENCE).until(() -> secrets.readCas().stored() instanceof Stored.Present<CaSet> p
                && !p.value().current().certificate().equals(old));
        assertThat(awaitSettled(component).current().certificate()).isNotEqualTo(old);
    }

    @Test
    void aBundleWipedByKubectlReplaceIsRestored(@TempDir Path dir) throws Exception {
        var component = start("replace");
        var cas = awaitSettled(component);
        var manifest = dir.resolve("configurations.yaml");
        var yaml = new StringBuilder();
        for (var configuration : cluster.renderedConfigurations()) {
            yaml.append("---\n").append(io.fabric8.kubernetes.client.utils.Serialization.asYaml(configuration));
        }
        Files.writeString(manifest, yaml, StandardCharsets.UTF_8);

        cp.kubectl(TestUser.ROOT, "replace", "-f", manifest.toString());

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(cluster.bundles()).hasSize(cluster.webhookCount())
                .allSatisfy(bundle -> assertThat(bundle).containsExactly(cas.current().certificate())));
    }

    @Test
    void aBundleWipedByAJsonPatchIsRestored() {
        var component = start("json-patch");
        var cas = awaitSettled(component);

        cp.kubectl(TestUser.ROOT, "patch", "validatingwebhookconfiguration", "vmpools", "--type=json",
                "-p", "[{\"op\":\"remove\",\"path\":\"/webhooks/1/clientConfig/caBundle\"}]");

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(cluster.bundles()).hasSize(cluster.webhookCount())
                .allSatisfy(bundle -> assertThat(bundle).containsExactly(cas.current().certificate())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage-serving", "mismatched-serving", "garbage-ca", "mismatched-ca"})
    void aTamperedSecretIsReportedByEventAndLogAndReplaced(String tampering) {
        var component = start("tamper");
        var cas = awaitSettled(component);
        var serving = servingMaterial();
        var secret = tampering.endsWith("-ca") ? Material.CA_SECRET : Material.SERVING_SECRET;
        var reason = tampering.startsWith("garbage") ? "Malformed" : "KeyMismatch";
        try (var log = LogCapture.of(CertificateManager.class)) {
            var foreignKey = CaSet.of(dev.vmpools.certs.pki.TestMaterial.ca(InstantSource.system().instant())).current().key();
            var data = switch (tampering) {
                case "garbage-serving", "garbage-ca" -> Map.of("tls.key", base64("-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n"),
                        "tls.crt", base64("garbage"));
                case "mismatched-serving" -> Map.of("tls.key", base64(dev.vmpools.certs.pki.Pem.encodePrivateKey(foreignKey)),
                        "tls.crt", base64(dev.vmpools.certs.pki.Pem.encodeCertificates(serving.chain())),
                        "ca.crt", base64(dev.vmpools.certs.pki.Pem.encodeCertificates(serving.caCertificates())));
                default -> Map.of("tls.key", base64(dev.vmpools.certs.pki.Pem.encodePrivateKey(foreignKey)),
                        "tls.crt", base64(dev.vmpools.certs.pki.Pem.encodeCertificate(cas.current().certificate())),
                        "ca.crt", base64(dev.vmpools.certs.pki.Pem.encodeCertificates(cas.trusted())));
            };

            root.secrets().inNamespace(CertsCluster.NAMESPACE).withName(secret).edit(s -> {
                s.setData(data);
                return s;
            });

            await().atMost(PATIENCE).untilAsserted(() -> assertThat(warnings(secret)).anySatisfy(event -> {
                assertThat(event.getReason()).isEqualTo(reason);
                assertThat(event.getMessage()).contains("Secret " + secret).endsWith("; replacing it");
            }));
            assertThat(log.warnings()).anySatisfy(line -> assertThat(line)
                    .startsWith("Secret " + CertsCluster.NAMESPACE + "/" + secret + " is unusable (" + reason + ")"));
            awaitSettled(component);
            assertThat(component.metrics().failures()).isZero();
        }
    }

    @Test
    void missingConfigurationsAreNeverCreatedAndAreInjectedOnceTheyExist() {
        cluster.deleteConfigurations();
        try (var log = LogCapture.of(CertificateManager.class)) {
            var component = start("missing-configurations");

            await().atMost(PATIENCE).until(() -> log.warnings().stream().anyMatch(line -> line.endsWith(
                    "vmpools does not exist: its caBundle is injected once it is created (this component never creates it)")));
            assertThat(secrets.readServing().stored()).isInstanceOf(Stored.Present.class);
            assertThat(root.admissionRegistration().v1().mutatingWebhookConfigurations().withName("vmpools").get()).isNull();
            assertThat(root.admissionRegistration().v1().validatingWebhookConfigurations().withName("vmpools").get()).isNull();

            cluster.createConfigurations();

            var cas = awaitSettled(component);
            assertThat(cluster.bundles()).hasSize(cluster.webhookCount())
                    .allSatisfy(bundle -> assertThat(bundle).containsExactly(cas.current().certificate()));
        }
    }

    private CertificateComponent start(String instance) {
        return start(TestConfigs.quick(instance));
    }

    private CertificateComponent start(CertsConfig config) {
        var client = cp.newClient(TestUser.CERTS);
        running.add(client);
        var component = CertificateComponent.start(config, client, new SimpleMeterRegistry(), InstantSource.system());
        running.add(component);
        return component;
    }

    /**
     * Waits until everything is in place and the leader's last pass found nothing to do: one CA, trusted
     * alone by every webhook's caBundle and by the serving Secret's ca.crt, a serving certificate from it
     * with its own key. Returns the CA Secret then.
     */
    private CaSet awaitSettled(CertificateComponent component) {
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(component.lastPass()).hasValueSatisfying(pass -> assertThat(pass.step()).isInstanceOf(Step.Done.class));
            var cas = currentCas();
            var serving = servingMaterial();
            assertThat(cas.previous()).isEmpty();
            assertThat(cas.current().keyMatches()).isTrue();
            assertThat(serving.keyMatchesCertificate()).isTrue();
            assertThat(cas.current().signed(serving.leaf())).isTrue();
            assertThat(serving.caCertificates()).containsExactly(cas.current().certificate());
            assertThat(cluster.bundles()).hasSize(cluster.webhookCount())
                    .allSatisfy(bundle -> assertThat(bundle).containsExactly(cas.current().certificate()));
        });
        return currentCas();
    }

    private CaSet currentCas() {
        return secrets.readCas().stored() instanceof Stored.Present<CaSet> present
                ? present.value()
                : org.assertj.core.api.Assertions.fail("CA Secret unusable: " + secrets.readCas().stored());
    }

    private ServingMaterial servingMaterial() {
        return secrets.readServing().stored() instanceof Stored.Present<ServingMaterial> present
                ? present.value()
                : org.assertj.core.api.Assertions.fail("serving Secret unusable: " + secrets.readServing().stored());
    }

    private List<String> versions() {
        return List.of(secrets.readCas().resourceVersion().orElseThrow(), secrets.readServing().resourceVersion().orElseThrow());
    }

    private List<Event> warnings(String secret) {
        return root.v1().events().inNamespace(CertsCluster.NAMESPACE).list().getItems().stream()
                .filter(event -> "Warning".equals(event.getType()))
                .filter(event -> secret.equals(event.getInvolvedObject().getName())
                        && "Secret".equals(event.getInvolvedObject().getKind()))
                .toList();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
