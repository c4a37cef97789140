package dev.vmpools.api.manifests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every overlay renders with the Go-built kubectl and passes a server-side dry run; the samples apply. */
@ExtendWith(ControlPlaneExtension.class)
class ManifestsIT {
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

    @BeforeAll
    static void install(ControlPlane cp) {
        // A dry run of namespaced objects needs their namespace to exist.
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "-k", Manifests.dir("system"));
        Manifests.installCrds(cp);
    }

    @AfterAll
    static void removeSamples(ControlPlane cp) {
        cp.kubectlResult(TestUser.ROOT, "delete", "namespace", "vmop-dev", "--wait=false", "--ignore-not-found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/default", "overlays/standalone", "overlays/local", "pool-namespace"})
    void rendersAndPassesServerSideDryRun(String kustomization, ControlPlane cp, TestNamespace ns) {
        String rendered = cp.kubectl(TestUser.ROOT, "kustomize", Manifests.dir(kustomization));
        List<HasMetadata> objects = parse(rendered);

        // pool-namespace has no namespace of its own: it is applied once per pool namespace with -n.
        var dryRun = kustomization.equals("pool-namespace")
                ? cp.kubectlResult(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-n", ns.name(), "-k", Manifests.dir(kustomization))
                : cp.kubectlResult(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-k", Manifests.dir(kustomization));

        assertThat(dryRun.exitCode()).as(dryRun.stderr()).isZero();
        assertThat(dryRun.stderr()).as("no warnings").isEmpty();
        assertThat(dryRun.stdout().lines().filter(l -> l.endsWith("(server dry run)"))).hasSize(objects.size());
        assertThat(rendered).as("no caBundle in manifests: the certificate component injects it").doesNotContain("caBundle");
    }

    @Test
    void defaultOverlayLeavesTheVmPoolCrdToItsOwnKustomization(ControlPlane cp) {
        List<String> kinds = parse(cp.kubectl(TestUser.ROOT, "kustomize", Manifests.dir("overlays/default"))).stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();

        assertThat(kinds).contains("CustomResourceDefinition/vmassignments.vmpools.dev")
                .doesNotContain("CustomResourceDefinition/vmpools.vmoperator.jdrupes.org", "CustomResourceDefinition/vms.vmoperator.jdrupes.org");
    }

    @Test
    void noRbacRuleUsesAWildcard(ControlPlane cp) {
        List<PolicyRule> rules = Stream.of("overlays/standalone", "pool-namespace")
                .flatMap(k -> parse(cp.kubectl(TestUser.ROOT, "kustomize", Manifests.dir(k))).stream())
                .flatMap(o -> o instanceof ClusterRole c ? c.getRules().stream()
                        : o instanceof Role r ? r.getRules().stream() : Stream.empty())
                .toList();

        assertThat(rules).isNotEmpty().allSatisfy(rule -> assertThat(Stream.of(rule.getVerbs(), rule.getResources(), rule.getApiGroups())
                .flatMap(List::stream)).doesNotContain("*"));
    }

    @Test
    void samplesApplyAndServeTheirPrinterColumns(ControlPlane cp) {
        cp.kubectl(TestUser.ROOT, "apply", "-k", Manifests.dir("samples"));

        var pools = cp.get(TestUser.ROOT, "/apis/vmoperator.jdrupes.org/v1/namespaces/vmop-dev/vmpools", TABLE);
        var assignments = cp.get(TestUser.ROOT, "/apis/vmpools.dev/v1alpha1/namespaces/vmop-dev/vmassignments", TABLE);

        assertThat(pools.statusCode()).isEqualTo(200);
        assertThat(columns(pools.body())).containsSubsequence("Name", "Retention", "Login", "VMs", "Assigned", "Age");
        assertThat(cp.kubectl(TestUser.ROOT, "get", "vmpools", "-n", "vmop-dev").lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "RETENTION", "LOGIN", "VMS", "ASSIGNED", "AGE");
        assertThat(pools.body()).contains("test-vms", "PT4h");
        assertThat(assignments.statusCode()).isEqualTo(200);
        assertThat(columns(assignments.body())).containsSubsequence("Name", "User", "Pool", "VM", "Assigned", "Expires", "Age");
        assertThat(cp.kubectl(TestUser.ROOT, "get", "vma", "-n", "vmop-dev").lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "USER", "POOL", "VM", "ASSIGNED", "EXPIRES", "AGE");
    }

    @Test
    void kubectlExplainDescribesVmAssignment(ControlPlane cp) {
        // The API server publishes a new CRD's OpenAPI a little after the CRD is Established.
        String explained = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> cp.kubectlResult(TestUser.ROOT, "explain", "vmassignments.spec"), r -> r.exitCode() == 0).stdout();

        assertThat(explained).contains("pool", "user").containsIgnoringCase("immutable");
    }

    private static List<String> columns(String table) {
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> definitions = (List<java.util.Map<String, Object>>)
                Serialization.unmarshal(table, java.util.Map.class).get("columnDefinitions");
        return definitions.stream().map(d -> (String) d.get("name")).toList();
    }

    private static List<HasMetadata> parse(String yaml) {
        Object parsed = Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        @SuppressWarnings("unchecked")
        List<HasMetadata> objects = parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
        return objects;
    }
}
