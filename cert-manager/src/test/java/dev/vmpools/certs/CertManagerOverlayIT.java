package dev.vmpools.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.vmpools.certs.pki.SubjectAltNames;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * manifests/overlays/cert-manager: real cert-manager issues the certificates. Checked by rendering it and
 * by a server-side dry run against TEST-ONLY STAND-IN CRDs of cert-manager's Issuer and Certificate
 * (src/test/resources/cert-manager-stand-in-crds.yaml; the control plane has no cert-manager).
 */
@ExtendWith(ControlPlaneExtension.class)
class CertManagerOverlayIT {

    private static final String STAND_IN_CRDS = "cert-manager-stand-in-crds.yaml";
    private static final String OVERLAY = "overlays/cert-manager";

    @BeforeAll
    static void installStandInCrds(ControlPlane cp) throws Exception {
        // A dry run of namespaced objects needs their namespace.
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "-k", CertsCluster.manifests("system").toString());
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "-f", standInCrds().toString());
        cp.kubectl(TestUser.ROOT, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/issuers.cert-manager.io", "crd/certificates.cert-manager.io");
    }

    @AfterAll
    static void removeStandInCrds(ControlPlane cp) throws Exception {
        cp.kubectlResult(TestUser.ROOT, "delete", "--ignore-not-found", "--wait=false", "-f", standInCrds().toString());
    }

    @Test
    void issuesAnEcdsaCaAndServingCertificateForTheWebhookServiceRenewedAtTwoThirds(ControlPlane cp) {
        var objects = render(cp);

        var serving = spec(find(objects, "Certificate", "vmpools-webhook-tls"));
        assertThat(serving.get("secretName")).isEqualTo(Material.SERVING_SECRET);
        assertThat(list(serving, "dnsNames")).containsExactlyInAnyOrderElementsOf(SubjectAltNames.webhookService().dnsNames());
        assertThat(map(serving, "privateKey")).containsEntry("algorithm", "ECDSA").containsEntry("size", (Object) 256)
                .containsEntry("encoding", (Object) "PKCS8");
        assertThat(map(serving, "issuerRef")).containsEntry("name", "vmpools-webhook-ca").containsEntry("kind", "Issuer");
        assertRenewedAtTwoThirds(serving);

        var ca = spec(find(objects, "Certificate", "vmpools-webhook-ca"));
        assertThat(ca.get("isCA")).isEqualTo(true);
        assertThat(ca.get("secretName")).isEqualTo(Material.CA_SECRET);
        assertThat(map(ca, "privateKey")).containsEntry("algorithm", "ECDSA").containsEntry("size", (Object) 256);
        assertThat(map(ca, "issuerRef")).containsEntry("name", "vmpools-selfsigned");
        assertRenewedAtTwoThirds(ca);
        assertThat(map(spec(find(objects, "Issuer", "vmpools-webhook-ca")), "ca"))
                .containsEntry("secretName", Material.CA_SECRET);
        assertThat(spec(find(objects, "Issuer", "vmpools-selfsigned"))).containsKey("selfSigned");
    }

    @Test
    void letsCertManagersInjectorFillEveryCaBundleAndKeepsTheBuiltInComponentOff(ControlPlane cp) {
        var objects = render(cp);

        assertThat(objects).filteredOn(o -> o instanceof MutatingWebhookConfiguration || o instanceof ValidatingWebhookConfiguration)
                .hasSize(2)
                .allSatisfy(configuration -> assertThat(configuration.getMetadata().getAnnotations())
                        .containsEntry("cert-manager.io/inject-ca-from", "vmpools-system/vmpools-webhook-tls"));
        var webhook = (Deployment) find(objects, "Deployment", "vmpools-webhook");
        var args = webhook.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs();
        assertThat(args).startsWith("run", "webhook");
        assertThat(CertsConfig.from(options(args), "pod").issuer()).isEqualTo(CertsConfig.Issuer.CERT_MANAGER);
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .doesNotContain("Role/vmpools-certs", "RoleBinding/vmpools-certs", "ClusterRole/vmpools-certs-inject-cabundle",
                        "ClusterRoleBinding/vmpools-certs-inject-cabundle")
                .contains("Role/vmpools-webhook", "ClusterRole/vmpools-webhook-read-webhookconfigurations");
        assertThat(cp.kubectl(TestUser.ROOT, "kustomize", CertsCluster.manifests(OVERLAY).toString())).doesNotContain("caBundle");
    }

    @Test
    void passesAServerSideDryRunAgainstTheStandInCrds(ControlPlane cp) {
        var objects = render(cp);

        var dryRun = cp.kubectlResult(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "--dry-run=server",
                "-k", CertsCluster.manifests(OVERLAY).toString());

        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(dryRun.stderr()).as("no warnings").isEmpty();
        assertThat(dryRun.stdout().lines().filter(line -> line.endsWith("(server dry run)"))).hasSize(objects.size());
    }

    @Test
    void theStandInCrdsRejectAMisspeltField(ControlPlane cp, @TempDir Path dir) throws Exception {
        var misspelt = dir.resolve("certificate.yaml");
        Files.writeString(misspelt, """
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata:
                  name: misspelt
                  namespace: vmpools-system
                spec:
                  secretName: misspelt
                  dnsName: [vmpools-webhook.vmpools-system.svc]
                  issuerRef: {name: vmpools-webhook-ca}
                """);

        var dryRun = cp.kubectlResult(TestUser.ROOT, "apply", "--server-side", "--dry-run=server", "-f", misspelt.toString());

        assertThat(dryRun.exitCode()).isNotZero();
        assertThat(dryRun.stderr()).contains("dnsName");
    }

    private static List<HasMetadata> render(ControlPlane cp) {
        var rendered = cp.kubectl(TestUser.ROOT, "kustomize", CertsCluster.manifests(OVERLAY).toString());
        return cp.client(TestUser.ROOT).load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items();
    }

    private static HasMetadata find(List<HasMetadata> objects, String kind, String name) {
        return objects.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(OVERLAY + " renders no " + kind + " " + name));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(HasMetadata object) {
        return (Map<String, Object>) ((GenericKubernetesResource) object).getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> parent, String key) {
        return (List<String>) parent.get(key);
    }

    /** renewBefore is a third of the duration, as the built-in component renews at 2/3 of the life. */
    private static void assertRenewedAtTwoThirds(Map<String, Object> spec) {
        var duration = goDuration((String) spec.get("duration"));
        var renewBefore = goDuration((String) spec.get("renewBefore"));
        assertThat(renewBefore.multipliedBy(3)).isEqualTo(duration);
    }

    private static Duration goDuration(String text) {
        return Duration.parse("PT" + text.toUpperCase(Locale.ROOT));
    }

    /** Flags {@code --name=value} as the option map the launcher builds. */
    private static Map<String, String> options(List<String> args) {
        var options = new HashMap<String, String>();
        args.stream().filter(arg -> arg.startsWith("--")).forEach(arg -> {
            var equals = arg.indexOf('=');
            options.put(arg.substring(2, equals), arg.substring(equals + 1));
        });
        return options;
    }

    private static Path standInCrds() throws Exception {
        return Path.of(Optional.ofNullable(CertManagerOverlayIT.class.getClassLoader().getResource(STAND_IN_CRDS))
                .orElseThrow(() -> new AssertionError(STAND_IN_CRDS + " is not on the test classpath")).toURI());
    }
}
