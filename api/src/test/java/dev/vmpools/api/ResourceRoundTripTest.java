package dev.vmpools.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ResourceRoundTripTest {

    @Test
    void readsAPoolWithItsGrantsAndStatusAndWritesItBackUnchanged() {
        VmPool pool = Fixtures.read("vmpool.yaml", VmPool.class);

        assertThat(pool.getSpec().retention()).isEqualTo("PT4h");
        assertThat(pool.getSpec().loginOnAssignment()).isTrue();
        assertThat(pool.getSpec().grants()).containsExactly(
                new PoolGrantSpec("admin", null, List.of("accessConsole", "start")),
                new PoolGrantSpec(null, "user", List.of("accessConsole", "start")));
        assertThat(pool.getStatus().vms()).isEqualTo(12);
        assertThat(pool.getStatus().conditions()).extracting(Condition::getType).containsExactly("HasVMs");
        assertThat(Fixtures.treeOf(pool)).isEqualTo(Fixtures.tree("vmpool.yaml"));
    }

    @Test
    void appliesTheCrdDefaultsWhereAPoolWasNotDefaultedByAServer() {
        VmPool pool = Serialization.unmarshal("""
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: bare}
                spec: {}
                """, VmPool.class);
        assertThat(pool.getSpec().retentionOrDefault()).isEqualTo("PT1h");
        assertThat(pool.getSpec().grants()).isEmpty();
        assertThat(pool.getStatus()).isNull();
    }

    @Test
    void readsAnAssignmentWithInstantsAndWritesItBackUnchanged() {
        VmAssignment assignment = Fixtures.read("vmassignment.yaml", VmAssignment.class);

        assertThat(assignment.getSpec()).isEqualTo(new VmAssignmentSpec("test-vms", "alice"));
        VmAssignmentStatus status = assignment.getStatus();
        assertThat(status.leaseTransitions()).isEqualTo(7);
        assertThat(status.expiresAt()).isEqualTo(Instant.parse("2025-03-01T14:15:30.123456Z"));
        assertThat(status.conditions()).extracting(Condition::getReason).containsExactly("Assigned", "VmRunning");
        assertThat(assignment.getMetadata().getFinalizers()).containsExactly(MetadataKeys.FINALIZER);
        assertThat(Fixtures.treeOf(assignment)).isEqualTo(Fixtures.tree("vmassignment.yaml"));
    }

    @Test
    void aPlainJackson3MapperWritesTheSameAssignment() {
        VmAssignment assignment = Fixtures.read("vmassignment.yaml", VmAssignment.class);
        JsonMapper plain = JsonMapper.builder().build();
        assertThat(plain.readTree(plain.writeValueAsString(assignment.getStatus())))
                .isEqualTo(Fixtures.tree("vmassignment.yaml").get("status"));
    }

    @Test
    void namesTheResourcesAsTheClusterDoes() {
        assertCoordinates(new VmPool(), "vmoperator.jdrupes.org/v1", "VmPool", "vmpools", "vmpools.vmoperator.jdrupes.org");
        assertCoordinates(new VmAssignment(), "vmpools.dev/v1alpha1", "VmAssignment", "vmassignments",
                "vmassignments.vmpools.dev");
        assertCoordinates(new VirtualMachine(), "vmoperator.jdrupes.org/v1", "VirtualMachine", "vms",
                "vms.vmoperator.jdrupes.org");
        assertThat(new VirtualMachine().getSingular()).isEqualTo("vm");
        assertThat(VmAssignment.getShortNames(VmAssignment.class)).containsExactly("vma");
    }

    private static void assertCoordinates(HasMetadata resource, String apiVersion, String kind, String plural,
            String crdName) {
        assertThat(resource.getApiVersion()).isEqualTo(apiVersion);
        assertThat(resource.getKind()).isEqualTo(kind);
        assertThat(resource.getPlural()).isEqualTo(plural);
        assertThat(HasMetadata.getFullResourceName(resource.getClass())).isEqualTo(crdName);
    }
}
