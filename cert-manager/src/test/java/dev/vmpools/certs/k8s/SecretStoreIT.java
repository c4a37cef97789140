package dev.vmpools.certs.k8s;

import static dev.vmpools.certs.pki.TestMaterial.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.pki.TestMaterial;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.renewal.Stored;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ControlPlaneExtension.class)
class SecretStoreIT {

    private static final CaSet OLD = CaSet.of(TestMaterial.ca(T0));
    private static final CaSet ROTATING = OLD.rotateTo(TestMaterial.ca(T0.plus(Duration.ofDays(700))));

    private KubernetesClient root;
    private String namespace;
    private SecretStore store;

    /** The Secret names are fixed, so each test gets a namespace of its own. */
    @BeforeEach
    void freshNamespace(ControlPlane cp, TestNamespace ns, TestInfo test) {
        root = cp.client(TestUser.ROOT);
        namespace = ns.name() + "-" + Integer.toString(test.getDisplayName().hashCode() & 0xfffff, 36);
        root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
        store = new SecretStore(root, namespace);
    }

    @AfterEach
    void dropNamespace() {
        root.namespaces().withName(namespace).delete();
    }

    @Test
    void readsMissingSecretsAsAbsent() {
        assertThat(store.readCas()).isEqualTo(new SecretStore.Read<>(Stored.absent(Material.CA_SECRET), Optional.empty()));
        assertThat(store.readServing())
                .isEqualTo(new SecretStore.Read<>(Stored.absent(Material.SERVING_SECRET), Optional.empty()));
    }

    @Test
    void writesTheCaSecretAndReadsBackEveryTrustedCa() {
        var written = store.writeCas(ROTATING, Optional.empty());

        var read = store.readCas();

        assertThat(written).isInstanceOf(SecretStore.WriteOutcome.Written.class);
        assertThat(read.resourceVersion()).contains(((SecretStore.WriteOutcome.Written) written).resourceVersion());
        assertThat(read.stored()).isInstanceOfSatisfying(Stored.Present.class, present -> {
            var cas = (CaSet) present.value();
            assertThat(cas.current().certificate()).isEqualTo(ROTATING.current().certificate());
            assertThat(cas.current().keyMatches()).isTrue();
            assertThat(cas.previous()).isEqualTo(ROTATING.previous());
        });
        var secret = root.secrets().inNamespace(namespace).withName(Material.CA_SECRET).get();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsOnlyKeys("tls.key", "tls.crt", "ca.crt");
        assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "vmpools-certs");
    }

    @Test
    void writesTheServingSecretAndReadsItBack() {
        var serving = ROTATING.issueServingCertificate(TestMaterial.NAMES, TestMaterial.LEAF_VALIDITY, T0,
                TestMaterial.RANDOM);

        store.writeServing(serving, Optional.empty());

        assertThat(store.readServing().stored()).isInstanceOfSatisfying(Stored.Present.class, present -> {
            var material = (ServingMaterial) present.value();
            assertThat(material.chain()).isEqualTo(serving.chain());
            assertThat(material.caCertificates()).isEqualTo(ROTATING.trusted());
            assertThat(material.keyMatchesCertificate()).isTrue();
        });
    }

    @Test
    void creatingASecretSomeoneElseCreatedIsAConflict() {
        store.writeCas(OLD, Optional.empty());

        var outcome = store.writeCas(ROTATING, Optional.empty());

        assertThat(outcome).isEqualTo(new SecretStore.WriteOutcome.Conflict("Secret " + namespace
                + "/vmpools-webhook-ca was created by someone else since it was found missing"));
    }

    @Test
    void updatingAgainstAStaleVersionIsAConflictAndChangesNothing() {
        store.writeCas(OLD, Optional.empty());
        var read = store.readCas();
        assertThat(store.writeCas(ROTATING, read.resourceVersion())).isInstanceOf(SecretStore.WriteOutcome.Written.class);

        var outcome = store.writeCas(OLD, read.resourceVersion());

        assertThat(outcome).isInstanceOf(SecretStore.WriteOutcome.Conflict.class);
        assertThat(((Stored.Present<CaSet>) store.readCas().stored()).value().previous()).isEqualTo(ROTATING.previous());
    }

    @Test
    void readsATamperedSecretAsUnreadableAndReplacesIt() {
        root.secrets().inNamespace(namespace).resource(new SecretBuilder()
                .withNewMetadata().withName(Material.SERVING_SECRET).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(Map.of("tls.key", base64("not a key"), "tls.crt", base64("not a certificate")))
                .build()).create();

        var read = store.readServing();

        assertThat(read.stored()).isEqualTo(new Stored.Unreadable<>(Material.SERVING_SECRET,
                "tls.key: no PEM block found (expected one PRIVATE KEY)"));
        var serving = OLD.issueServingCertificate(TestMaterial.NAMES, TestMaterial.LEAF_VALIDITY, T0, TestMaterial.RANDOM);
        assertThat(store.writeServing(serving, read.resourceVersion())).isInstanceOf(SecretStore.WriteOutcome.Written.class);
        assertThat(store.readServing().stored()).isInstanceOf(Stored.Present.class);
    }

    @Test
    void reportsASecretOfAnotherTypeAndCannotReplaceIt() {
        root.secrets().inNamespace(namespace).resource(new SecretBuilder()
                .withNewMetadata().withName(Material.CA_SECRET).endMetadata()
                .withType("Opaque")
                .withData(Map.of("whatever", base64("x")))
                .build()).create();

        var read = store.readCas();
        var outcome = store.writeCas(OLD, read.resourceVersion());

        assertThat(read.stored()).isEqualTo(new Stored.Unreadable<>(Material.CA_SECRET,
                "type is Opaque, expected kubernetes.io/tls"));
        assertThat(outcome).isInstanceOfSatisfying(SecretStore.WriteOutcome.Rejected.class, rejected -> assertThat(
                rejected.message()).startsWith("Secret " + namespace + "/vmpools-webhook-ca cannot be written: ")
                .contains("field is immutable"));
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
