package dev.vmpools.api.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmPatches;
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
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Our writes to a VM, on the real API server: nothing we do not model is dropped, and a stale plan is refused. */
@ExtendWith(ControlPlaneExtension.class)
class VmPatchesIT {
    private static final String VM = """
            apiVersion: vmoperator.jdrupes.org/v1
            kind: VirtualMachine
            metadata: {name: %s}
            spec:
              pools: [test-vms]
              image: {source: "https://images.example.org/debian-13.qcow2"}
              vm:
                state: Stopped
                maximumCpus: 4
                currentRam: 4Gi
                networks: [{tap: {mac: "00:16:3e:33:58:10"}}]
                display: {spice: {port: 5910}, loggedInUser: guest}
            """;

    @BeforeAll
    static void install(ControlPlane cp) {
        Manifests.installCrds(cp);
    }

    @Test
    void commitStateAndReleaseKeepEveryFieldWeDoNotModel(ControlPlane cp, TestNamespace ns) {
        KubernetesClient root = cp.client(TestUser.ROOT);
        var vms = root.genericKubernetesResources(VirtualMachine.GROUP + "/" + VirtualMachine.VERSION, VirtualMachine.KIND).inNamespace(ns.name());
        vms.resource(Serialization.unmarshal(VM.formatted("vm-1"), GenericKubernetesResource.class)).create();
        vms.withName("vm-1").subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"consoleClient\":\"\",\"loggedInUser\":\"guest\",\"ram\":\"4Gi\"}}");
        Map<String, Object> before = vms.withName("vm-1").get().getAdditionalProperties();
        VirtualMachine observed = root.resources(VirtualMachine.class).inNamespace(ns.name()).withName("vm-1").get();
        PoolAssignment alice = new PoolAssignment("test-vms", "alice", Instant.parse("2026-11-24T10:15:30.123Z"));

        root.resources(VirtualMachine.class).inNamespace(ns.name()).withName("vm-1").subresource("status")
                .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(VmPatches.assign(observed, alice)));
        root.resources(VirtualMachine.class).inNamespace(ns.name()).withName("vm-1")
                .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(VmPatches.desiredState("Running")));
        Map<String, Object> assigned = vms.withName("vm-1").get().getAdditionalProperties();
        root.resources(VirtualMachine.class).inNamespace(ns.name()).withName("vm-1").subresource("status")
                .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(VmPatches.release("test-vms", "alice")));
        Map<String, Object> released = vms.withName("vm-1").get().getAdditionalProperties();

        assertThat(Serialization.asJson(assigned.get("status")))
                .contains("\"assignment\":{\"lastUsed\":\"2026-11-24T10:15:30.123Z\",\"pool\":\"test-vms\",\"user\":\"alice\"}")
                .contains("\"loggedInUser\":\"guest\"", "\"ram\":\"4Gi\"");
        assertThat(withoutVmState(assigned.get("spec"))).isEqualTo(withoutVmState(before.get("spec")));
        assertThat(Serialization.asJson(assigned.get("spec"))).contains("\"state\":\"Running\"", "\"maximumCpus\":4",
                "\"loggedInUser\":\"guest\"", "00:16:3e:33:58:10", "debian-13.qcow2");
        assertThat(Serialization.asJson(released.get("status"))).contains("\"assignment\":{}", "\"ram\":\"4Gi\"");
    }

    @Test
    void refusesACommitPlannedAgainstAnOlderAssignment(ControlPlane cp, TestNamespace ns) {
        KubernetesClient root = cp.client(TestUser.ROOT);
        root.genericKubernetesResources(VirtualMachine.GROUP + "/" + VirtualMachine.VERSION, VirtualMachine.KIND).inNamespace(ns.name())
                .resource(Serialization.unmarshal(VM.formatted("vm-2"), GenericKubernetesResource.class)).create();
        var vm = root.resources(VirtualMachine.class).inNamespace(ns.name()).withName("vm-2");
        VirtualMachine planned = vm.get();
        // Meanwhile VM-Operator's GUI assigns the VM to bob.
        vm.subresource("status").patch(PatchContext.of(PatchType.JSON), Serialization.asJson(
                VmPatches.assign(planned, new PoolAssignment("test-vms", "bob", Instant.parse("2026-11-24T10:00:00Z")))));

        assertThatThrownBy(() -> vm.subresource("status").patch(PatchContext.of(PatchType.JSON), Serialization.asJson(
                VmPatches.assign(planned, new PoolAssignment("test-vms", "alice", Instant.parse("2026-11-24T10:00:01Z"))))))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        assertThat(vm.get().assignment()).map(PoolAssignment::user).contains("bob");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutVmState(Object spec) {
        Map<String, Object> copy = Serialization.unmarshal(Serialization.asJson(spec), Map.class);
        ((Map<String, Object>) copy.get("vm")).remove("state");
        return copy;
    }
}
