package dev.vmpools.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VirtualMachineTest {

    @Test
    void readsTheModelledPartsOfAFullVmAndToleratesEverythingElse() {
        VirtualMachine vm = Fixtures.read("vm.yaml", VirtualMachine.class);

        assertThat(vm.pools()).containsExactly("test-vms", "other-vms");
        assertThat(vm.desiredState()).contains(VirtualMachineSpec.RUNNING);
        assertThat(vm.assignment()).contains(
                new PoolAssignment("test-vms", "alice", Instant.parse("2025-03-01T10:15:30.123Z")));
        assertThat(vm.consoleUser()).contains("alice");
        Condition connected = vm.condition(ConditionTypes.CONSOLE_CONNECTED).orElseThrow();
        assertThat(connected.getStatus()).isEqualTo(ConditionTypes.TRUE);
        assertThat(connected.getLastTransitionTime()).isEqualTo("2025-03-01T10:17:03Z");
        assertThat(vm.condition(ConditionTypes.RUNNING)).isPresent();
        assertThat(vm.condition("NoSuchCondition")).isEmpty();
    }

    @Test
    void readsAnEmptyAssignmentRecordAsNone() {
        VirtualMachine vm = Fixtures.read("vm-unassigned.yaml", VirtualMachine.class);
        assertThat(vm.getStatus().assignment()).isEqualTo(new VirtualMachineStatus.Assignment(null, null, null));
        assertThat(vm.assignment()).isEmpty();
        assertThat(vm.desiredState()).contains(VirtualMachineSpec.STOPPED);
        assertThat(vm.consoleUser()).contains("");
    }

    @Test
    void readsAVmWithoutStatusOrPools() {
        VirtualMachine vm = Fixtures.read("vm-new.yaml", VirtualMachine.class);
        assertThat(vm.pools()).isEmpty();
        assertThat(vm.desiredState()).isEmpty();
        assertThat(vm.assignment()).isEmpty();
        assertThat(vm.consoleUser()).isEmpty();
        assertThat(vm.condition(ConditionTypes.CONSOLE_CONNECTED)).isEmpty();
    }

    @Test
    void dropsUnmodelledFieldsWhichIsWhyItIsNeverWrittenBack() {
        // The reason VirtualMachine is read only: serialising it would lose the VM's definition.
        VirtualMachine vm = Fixtures.read("vm.yaml", VirtualMachine.class);
        assertThat(Fixtures.treeOf(vm).at("/spec/vm/maximumCpus").isMissingNode()).isTrue();
        assertThat(Fixtures.tree("vm.yaml").at("/spec/vm/maximumCpus").asInt()).isEqualTo(4);
    }
}
