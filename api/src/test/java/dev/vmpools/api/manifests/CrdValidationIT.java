package dev.vmpools.api.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmpools.api.VmAssignment;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the API server enforces from our CRDs alone, with no webhook installed. */
@ExtendWith(ControlPlaneExtension.class)
class CrdValidationIT {

    @BeforeAll
    static void install(ControlPlane cp) {
        Manifests.installCrds(cp);
    }

    @Test
    void rejectsGrantNamingBothUserAndRole(ControlPlane cp, TestNamespace ns) {
        GenericKubernetesResource pool = Serialization.unmarshal("""
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: both}
                spec:
                  permissions:
                  - {user: alice, role: user, may: [start]}
                """, GenericKubernetesResource.class);

        assertThatThrownBy(() -> cp.client(TestUser.ROOT).genericKubernetesResources("vmoperator.jdrupes.org/v1", "VmPool")
                .inNamespace(ns.name()).resource(pool).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.permissions[0]");
                });
    }

    @Test
    void defaultsPoolFieldsAsVmOperatorDoes(ControlPlane cp, TestNamespace ns) {
        GenericKubernetesResource pool = Serialization.unmarshal("""
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: defaults}
                spec:
                  permissions:
                  - {role: user}
                """, GenericKubernetesResource.class);

        GenericKubernetesResource created = cp.client(TestUser.ROOT).genericKubernetesResources("vmoperator.jdrupes.org/v1", "VmPool")
                .inNamespace(ns.name()).resource(pool).create();

        assertThat(Serialization.asJson(created.getAdditionalProperties().get("spec")))
                .contains("\"retention\":\"PT1h\"", "\"loginOnAssignment\":false", "\"may\":[\"accessConsole\"]");
    }

    @Test
    void rejectsAnyChangeOfAnAssignmentsSpec(ControlPlane cp, TestNamespace ns) {
        KubernetesClient root = cp.client(TestUser.ROOT);
        VmAssignment assignment = Serialization.unmarshal("""
                apiVersion: vmpools.dev/v1alpha1
                kind: VmAssignment
                metadata: {name: alice-test-vms}
                spec: {pool: test-vms, user: alice}
                """, VmAssignment.class);
        root.resources(VmAssignment.class).inNamespace(ns.name()).resource(assignment).create();

        assertThatThrownBy(() -> root.resources(VmAssignment.class).inNamespace(ns.name()).withName("alice-test-vms")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/user\",\"value\":\"bob\"}]"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec is immutable");
                });
        assertThat(root.resources(VmAssignment.class).inNamespace(ns.name()).withName("alice-test-vms").get().getSpec().user())
                .isEqualTo("alice");
    }
}
