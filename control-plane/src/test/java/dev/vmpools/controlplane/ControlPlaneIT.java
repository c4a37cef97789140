package dev.vmpools.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the test control plane is a real Kubernetes: schemas, RBAC, version, garbage collection, namespaces. */
@ExtendWith(ControlPlaneExtension.class)
class ControlPlaneIT {

    @Test
    void rejectsCustomResourceThatViolatesItsSchema(ControlPlane cp, TestNamespace ns) {
        KubernetesClient root = cp.client(TestUser.ROOT);
        CustomResourceDefinition crd = root.apiextensions().v1().customResourceDefinitions()
                .load(getClass().getResourceAsStream("/widget-crd.yaml")).item();
        root.apiextensions().v1().customResourceDefinitions().resource(crd).serverSideApply();
        root.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(cond -> cond.getType().equals("Established") && cond.getStatus().equals("True")),
                        60, java.util.concurrent.TimeUnit.SECONDS);
        ResourceDefinitionContext widgets = new ResourceDefinitionContext.Builder()
                .withGroup("test.vmpools.dev").withVersion("v1").withPlural("widgets").withKind("Widget").withNamespaced(true).build();

        GenericKubernetesResource tooSmall = widget(ns, "too-small", 0);
        assertThatThrownBy(() -> root.genericKubernetesResources(widgets).resource(tooSmall).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.size");
                });
        assertThat(root.genericKubernetesResources(widgets).resource(widget(ns, "fine", 3)).create()).isNotNull();
    }

    @Test
    void enforcesRbacForOrdinaryUsersButNotForSystemMasters(ControlPlane cp) {
        assertThatThrownBy(() -> cp.client(TestUser.ALICE).secrets().inNamespace("kube-system").list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThat(cp.client(TestUser.ROOT).secrets().inNamespace("kube-system").list().getItems()).isNotNull();
    }

    @Test
    void reportsTheKubernetesVersionItWasBuiltFrom(ControlPlane cp) throws IOException {
        String goMod = Files.readString(Binaries.repositoryRoot().resolve("testenv/go.mod"));
        String built = goMod.lines().map(String::strip).filter(l -> l.startsWith("require k8s.io/kubernetes "))
                .map(l -> l.split("\\s+")[2]).findFirst().orElseThrow();

        var version = cp.get(TestUser.ALICE, "/version");

        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).contains("\"gitVersion\": \"" + built + "\"");
        assertThat(cp.client(TestUser.ROOT).getKubernetesVersion().getGitVersion()).isEqualTo(built);
    }

    @Test
    void garbageCollectsDependentsOfDeletedOwner(ControlPlane cp, TestNamespace ns) {
        KubernetesClient root = cp.client(TestUser.ROOT);
        ConfigMap owner = root.configMaps().inNamespace(ns.name()).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("owner").endMetadata().build()).create();
        root.configMaps().inNamespace(ns.name()).resource(new ConfigMapBuilder().withNewMetadata().withName("dependent")
                .addNewOwnerReference().withApiVersion("v1").withKind("ConfigMap").withName("owner")
                .withUid(owner.getMetadata().getUid()).endOwnerReference().endMetadata().build()).create();

        root.configMaps().inNamespace(ns.name()).withName("owner").delete();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> root.configMaps().inNamespace(ns.name()).withName("dependent").get() == null);
    }

    @Test
    void deletedNamespaceReallyGoesAway(ControlPlane cp, TestNamespace ns) {
        KubernetesClient root = cp.client(TestUser.ROOT);
        String name = ns.name() + "-gone";
        root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        root.configMaps().inNamespace(name).resource(new ConfigMapBuilder().withNewMetadata().withName("content")
                .endMetadata().withData(Map.of("k", "v")).build()).create();

        root.namespaces().withName(name).delete();

        await().atMost(Duration.ofSeconds(60)).until(() -> root.namespaces().withName(name).get() == null);
    }

    private static GenericKubernetesResource widget(TestNamespace ns, String name, int size) {
        return new GenericKubernetesResourceBuilder().withApiVersion("test.vmpools.dev/v1").withKind("Widget")
                .withNewMetadata().withName(name).withNamespace(ns.name()).endMetadata()
                .addToAdditionalProperties("spec", Map.of("size", size)).build();
    }
}
