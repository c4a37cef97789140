package dev.vmpools.scheduler.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.api.retention.Retention;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.api.retention.RetentionOutcome;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Objects as the informers deliver them, read into the planner's records. */
class ObservedTest {

    private static final Instant T = Instant.parse("2025-03-01T10:15:30.123Z");

    @Test
    void readsAPoolWithItsRetentionAndGrants() {
        VmPool pool = Serialization.unmarshal("""
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: test-vms, uid: u-1, generation: 3}
                spec:
                  retention: PT4H
                  permissions:
                  - {role: user, may: [accessConsole]}
                """, VmPool.class);

        PoolState state = Observed.pool(pool, RetentionMode.COMPATIBLE);

        assertThat(state.name()).isEqualTo("test-vms");
        assertThat(state.generation()).isEqualTo(3);
        assertThat(state.validRetention()).contains(new Retention.Span(Duration.ofHours(4)));
        assertThat(state.permissions().grants()).hasSize(1);
        assertThat(state.status()).isEmpty();
    }

    @Test
    void aRetentionVmOperatorCannotParseIsKeptAsTheRejection() {
        VmPool pool = Serialization.unmarshal("""
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: p, uid: u-1, generation: 1}
                spec: {retention: P1W, permissions: []}
                """, VmPool.class);

        assertThat(Observed.pool(pool, RetentionMode.COMPATIBLE).retention())
                .isInstanceOf(RetentionOutcome.Rejected.class);
        assertThat(Observed.pool(pool, RetentionMode.VM_OPERATOR_ABSENT).validRetention()).isPresent();
    }

    @Test
    void readsAVmWithConsoleRunningConditionRecordAndLease() {
        VirtualMachine vm = Serialization.unmarshal("""
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VirtualMachine
                metadata: {name: vm-1, uid: vm-uid, resourceVersion: "42"}
                spec:
                  pools: [test-vms]
                  vm: {state: Running, maximumCpus: 4}
                status:
                  consoleUser: alice
                  assignment: {pool: test-vms, user: alice, lastUsed: "2025-03-01T10:15:30.123Z"}
                  conditions:
                  - {type: Running, status: "True", lastTransitionTime: "2025-03-01T10:00:00Z", reason: Running}
                  - {type: ConsoleConnected, status: "False", lastTransitionTime: "2025-03-01T10:20:00Z", reason: x}
                """, VirtualMachine.class);
        Lease lease = new LeaseRecord("alice-1/uid-1", T, T, 3600, 2, "test-vms", "alice", "vm-1", "vm-uid")
                .toModel("ns", "vmpool.vm-1", Optional.empty());
        lease.getMetadata().setResourceVersion("7");

        VmState state = Observed.vm(vm, Optional.of(lease));

        assertThat(state.pools()).containsExactly("test-vms");
        assertThat(state.desiredState()).contains("Running");
        assertThat(state.running()).isTrue();
        assertThat(state.console()).isEqualTo(new Console(false, Instant.parse("2025-03-01T10:20:00Z"), "alice"));
        assertThat(state.assignment()).contains(new PoolAssignment("test-vms", "alice", T));
        assertThat(state.ownLease()).hasValueSatisfying(l -> assertThat(l.holderIdentity()).isEqualTo("alice-1/uid-1"));
    }

    @Test
    void aVmWithoutStatusHasNoRecordAndNoConsole() {
        VirtualMachine vm = Serialization.unmarshal("""
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VirtualMachine
                metadata: {name: vm-1, uid: vm-uid, resourceVersion: "42"}
                spec: {pools: [test-vms]}
                """, VirtualMachine.class);

        VmState state = Observed.vm(vm, Optional.empty());

        assertThat(state.hasStatus()).isFalse();
        assertThat(state.assignmentRecord()).isEmpty();
        assertThat(state.console()).isEqualTo(Console.NONE);
        assertThat(state.desiredState()).isEmpty();
    }

    @Test
    void aLeaseWrittenFromARecordReadsBackAsThatRecord() {
        LeaseRecord record = new LeaseRecord("alice-1/uid-1", T, T.plusMillis(1), Integer.MAX_VALUE, 5, "test-vms",
                "Alice Example", "vm-1", "vm-uid");
        String json = Serialization.asJson(record.toModel("ns", "vmpool.vm-1", Optional.of("9")));

        Lease read = Serialization.unmarshal(json, Lease.class);

        assertThat(json).contains("\"renewTime\":\"2025-03-01T10:15:30.124000Z\"");
        assertThat(read.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getApiVersion()).isEqualTo("vmoperator.jdrupes.org/v1"));
        assertThat(record.isWrittenIn(Observed.lease(read))).isTrue();
    }

    @Test
    void readsARequestAndTakesAMissingGrantedByAsBypass() {
        VmAssignment request = Serialization.unmarshal("""
                apiVersion: vmpools.dev/v1alpha1
                kind: VmAssignment
                metadata:
                  name: alice-1
                  uid: r-uid
                  resourceVersion: "5"
                  generation: 1
                  creationTimestamp: "2025-03-01T10:00:00Z"
                  deletionTimestamp: "2025-03-01T11:00:00Z"
                  finalizers: [vmpools.dev/release]
                spec: {pool: test-vms, user: alice}
                status:
                  vm: vm-1
                  leaseTransitions: 2
                  conditions:
                  - {type: Assigned, status: "True", reason: Assigned, message: m, lastTransitionTime: "2025-03-01T10:00:01Z"}
                """, VmAssignment.class);

        RequestState state = Observed.request(request);

        assertThat(state.identity()).isEqualTo("alice-1/r-uid");
        assertThat(state.grantedBy()).isEqualTo(GrantedBy.bypass());
        assertThat(state.deleted()).contains(Instant.parse("2025-03-01T11:00:00Z"));
        assertThat(state.hasFinalizer()).isTrue();
        assertThat(state.status()).hasValueSatisfying(s -> {
            assertThat(s.vm()).isEqualTo("vm-1");
            assertThat(s.leaseTransitions()).isEqualTo(2);
        });
    }

    @Test
    void readsTheGrantsARequestWasAdmittedBy() {
        VmAssignment request = Serialization.unmarshal("""
                apiVersion: vmpools.dev/v1alpha1
                kind: VmAssignment
                metadata:
                  name: alice-1
                  uid: r-uid
                  resourceVersion: "5"
                  creationTimestamp: "2025-03-01T10:00:00Z"
                  annotations: {vmpools.dev/granted-by: "user:alice,role:user"}
                spec: {pool: test-vms, user: alice}
                """, VmAssignment.class);

        assertThat(Observed.request(request).grantedBy().format()).isEqualTo("user:alice,role:user");
        assertThat(Observed.request(request).status()).isEmpty();
    }
}
