package dev.vmpools.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Our patches applied to a full VM as stored: only the named fields change, and stale plans fail. */
class VmPatchesTest {

    private static final PoolAssignment BOB = new PoolAssignment("test-vms", "bob",
            Instant.parse("2025-03-01T11:00:00.250Z"));

    @Test
    void committingAnAssignmentChangesOnlyTheAssignmentRecord() {
        JsonNode stored = Fixtures.tree("vm.yaml");
        VirtualMachine read = Fixtures.read("vm.yaml", VirtualMachine.class);

        JsonNode patched = apply(VmPatches.assign(read, BOB), stored);

        assertThat(patched.at("/status/assignment")).isEqualTo(Fixtures.JSON.valueToTree(
                java.util.Map.of("pool", "test-vms", "user", "bob", "lastUsed", "2025-03-01T11:00:00.250Z")));
        assertThat(withoutAssignment(patched)).isEqualTo(withoutAssignment(stored));
    }

    @Test
    void aCommitPlannedAgainstAnOlderRecordFails() {
        VirtualMachine read = Fixtures.read("vm.yaml", VirtualMachine.class);
        ObjectNode meanwhile = (ObjectNode) Fixtures.tree("vm.yaml");
        ((ObjectNode) meanwhile.at("/status/assignment")).put("user", "carol");

        assertThatThrownBy(() -> apply(VmPatches.assign(read, BOB), meanwhile)).isInstanceOf(JsonPatchException.class);
    }

    @Test
    void committingToAnUnassignedVmTestsTheEmptyRecord() {
        VirtualMachine read = Fixtures.read("vm-unassigned.yaml", VirtualMachine.class);
        List<JsonPatchOperation> patch = VmPatches.assign(read, BOB);
        assertThat(patch.getFirst()).isEqualTo(JsonPatchOperation.test("/status/assignment", java.util.Map.of()));

        JsonNode patched = apply(patch, Fixtures.tree("vm-unassigned.yaml"));
        assertThat(patched.at("/status/assignment/user").asString()).isEqualTo("bob");
        assertThat(withoutAssignment(patched)).isEqualTo(withoutAssignment(Fixtures.tree("vm-unassigned.yaml")));
    }

    @Test
    void committingToAVmWithoutStatusIsFencedByItsResourceVersion() {
        VirtualMachine read = Fixtures.read("vm-new.yaml", VirtualMachine.class);
        List<JsonPatchOperation> patch = VmPatches.assign(read, BOB);
        assertThat(patch.getFirst()).isEqualTo(JsonPatchOperation.test("/metadata/resourceVersion", "918400"));

        JsonNode patched = apply(patch, Fixtures.tree("vm-new.yaml"));
        assertThat(patched.at("/status/assignment/pool").asString()).isEqualTo("test-vms");

        ObjectNode changed = (ObjectNode) Fixtures.tree("vm-new.yaml");
        ((ObjectNode) changed.get("metadata")).put("resourceVersion", "918401");
        assertThatThrownBy(() -> apply(patch, changed)).isInstanceOf(JsonPatchException.class);
    }

    @Test
    void releasingEmptiesTheRecordOnlyWhileItNamesThePoolAndUser() {
        JsonNode stored = Fixtures.tree("vm.yaml");
        JsonNode released = apply(VmPatches.release("test-vms", "alice"), stored);
        assertThat(released.at("/status/assignment").isEmpty()).isTrue();
        assertThat(withoutAssignment(released)).isEqualTo(withoutAssignment(stored));

        assertThatThrownBy(() -> apply(VmPatches.release("test-vms", "bob"), stored))
                .isInstanceOf(JsonPatchException.class);
        assertThatThrownBy(() -> apply(VmPatches.release("other-vms", "alice"), stored))
                .isInstanceOf(JsonPatchException.class);
    }

    @Test
    void committingFromTheReadStatusEqualsCommittingFromTheReadVm() {
        for (String fixture : List.of("vm.yaml", "vm-unassigned.yaml", "vm-new.yaml")) {
            VirtualMachine read = Fixtures.read(fixture, VirtualMachine.class);
            assertThat(VmPatches.assign(read.getStatus(), read.getMetadata().getResourceVersion(), BOB))
                    .as(fixture).isEqualTo(VmPatches.assign(read, BOB));
        }
        assertThatThrownBy(() -> VmPatches.assign(null, null, BOB)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resourceVersion");
    }

    @Test
    void releasingTheExactRecordReadEmptiesItAndNothingElse() {
        JsonNode stored = Fixtures.tree("vm.yaml");
        VirtualMachine read = Fixtures.read("vm.yaml", VirtualMachine.class);

        JsonNode released = apply(VmPatches.release(read.getStatus().assignment()), stored);

        assertThat(released.at("/status/assignment").isEmpty()).isTrue();
        assertThat(withoutAssignment(released)).isEqualTo(withoutAssignment(stored));
    }

    @Test
    void releasingTheExactRecordFailsOnANewerAssignmentOfTheSameUser() {
        VirtualMachine read = Fixtures.read("vm.yaml", VirtualMachine.class);
        ObjectNode reassigned = (ObjectNode) Fixtures.tree("vm.yaml");
        ((ObjectNode) reassigned.at("/status/assignment")).put("lastUsed", "2099-01-01T00:00:00.000Z");

        assertThatThrownBy(() -> apply(VmPatches.release(read.getStatus().assignment()), reassigned))
                .isInstanceOf(JsonPatchException.class);
    }

    @Test
    void recordingALastUseKeepsPoolAndUser() {
        JsonNode patched = apply(VmPatches.lastUsed("test-vms", "alice", Instant.parse("2025-03-01T12:00:00Z")),
                Fixtures.tree("vm.yaml"));
        assertThat(patched.at("/status/assignment/lastUsed").asString()).isEqualTo("2025-03-01T12:00:00.000Z");
        assertThat(patched.at("/status/assignment/user").asString()).isEqualTo("alice");
    }

    @Test
    void settingTheDesiredStateKeepsTheRestOfTheSpec() {
        JsonNode stored = Fixtures.tree("vm-unassigned.yaml");
        JsonNode patched = apply(VmPatches.desiredState(VirtualMachineSpec.RUNNING), stored);
        assertThat(patched.at("/spec/vm/state").asString()).isEqualTo("Running");
        ObjectNode expected = (ObjectNode) stored.deepCopy();
        ((ObjectNode) expected.at("/spec/vm")).put("state", "Running");
        assertThat(patched).isEqualTo(expected);
        assertThatThrownBy(() -> VmPatches.desiredState("Paused")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serialisesAsAJsonPatchBody() {
        assertThat(Serialization.asJson(VmPatches.release("p", "u"))).isEqualTo(
                "[{\"op\":\"test\",\"path\":\"/status/assignment/pool\",\"value\":\"p\"},"
                + "{\"op\":\"test\",\"path\":\"/status/assignment/user\",\"value\":\"u\"},"
                + "{\"op\":\"replace\",\"path\":\"/status/assignment\",\"value\":{}}]");
    }

    private static JsonNode apply(List<JsonPatchOperation> patch, JsonNode target) {
        JsonNode body = Fixtures.JSON.readTree(Serialization.asJson(patch));
        return JsonPatch.apply(body, target);
    }

    private static JsonNode withoutAssignment(JsonNode vm) {
        ObjectNode copy = (ObjectNode) vm.deepCopy();
        ((ObjectNode) copy.get("status")).remove("assignment");
        return copy;
    }
}
