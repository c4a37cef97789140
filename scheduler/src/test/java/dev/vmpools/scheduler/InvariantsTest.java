package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VirtualMachineSpec;
import dev.vmpools.api.VirtualMachineStatus;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmAssignmentStatus;
import dev.vmpools.api.names.LeaseNames;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The invariants checker finds each kind of violation, naming the objects, and none in a consistent namespace. */
class InvariantsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    /** Two VMs of pool red held by alice and bob, carol waiting, dave's second request a Duplicate. */
    private static final class World {
        final List<VirtualMachine> vms = new ArrayList<>();
        final List<Lease> leases = new ArrayList<>();
        final List<VmAssignment> requests = new ArrayList<>();

        World() {
            hold("vm-1", "r-1", "alice", 3);
            hold("vm-2", "r-2", "bob", 0);
            requests.add(request("r-3", "carol", "Waiting", "0 of 2 VMs free: 2 held", null, null));
            requests.add(request("r-4", "bob", "Duplicate", "request r-2 of bob for pool red came first", null, null));
        }

        void hold(String vm, String request, String user, int transitions) {
            vms.add(vm(vm, "red", user));
            leases.add(lease(vm, request + "/uid-" + request, transitions, NOW.minusSeconds(60), 3600));
            requests.add(request(request, user, "Assigned", "VM " + vm + " is assigned", vm, transitions));
        }

        VmAssignment requestNamed(String name) {
            return requests.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst().orElseThrow();
        }

        Lease leaseOf(String vm) {
            return leases.stream().filter(l -> l.getMetadata().getName().equals(LeaseNames.forVm(vm))).findFirst()
                    .orElseThrow();
        }

        VirtualMachine vmNamed(String name) {
            return vms.stream().filter(v -> v.getMetadata().getName().equals(name)).findFirst().orElseThrow();
        }

        Invariants.Report check() {
            return Invariants.atQuiescence(vms, leases, requests, NOW);
        }
    }

    @Test
    void aConsistentNamespaceHoldsEveryInvariant() {
        Invariants.Report report = new World().check();

        assertThat(report.violations()).isEmpty();
        assertThat(report.counts().heldVms()).isEqualTo(2);
        assertThat(report.counts().reasons()).containsEntry("Assigned", 2).containsEntry("Waiting", 1)
                .containsEntry("Duplicate", 1);
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                violation("a second user Assigned to the same VM",
                        w -> w.requests.add(request("r-5", "erin", "Assigned", "VM vm-1", "vm-1", 3)),
                        "VM vm-1 has 2 holders: VmAssignment r-1 (alice in red), VmAssignment r-5 (erin in red)"),
                violation("a Lease held for a request that no longer exists",
                        w -> w.requests.remove(w.requestNamed("r-2")),
                        "Lease vmpool.vm-2 (transitions 0) holds its VM for r-2/uid-r-2, but no such VmAssignment"),
                violation("a Lease held for a request that waits",
                        w -> w.leaseOf("vm-2").getSpec().setHolderIdentity("r-3/uid-r-3"),
                        "but VmAssignment r-3 (carol in red) is not Assigned to vm-2: it is Waiting"),
                violation("a Lease released under an Assigned request",
                        w -> w.leaseOf("vm-1").getSpec().setHolderIdentity(""),
                        "VmAssignment r-1 (alice in red) is Assigned to VM vm-1, but Lease vmpool.vm-1 is held by ''"),
                violation("an expired Lease under an Assigned request",
                        w -> w.leaseOf("vm-1").getSpec().setLeaseDurationSeconds(30),
                        "but Lease vmpool.vm-1 expired at 2026-03-01T09:59:30Z"),
                violation("another fencing token in the request than in the Lease",
                        w -> w.leaseOf("vm-1").getSpec().setLeaseTransitions(4),
                        "VmAssignment r-1 (alice in red) records leaseTransitions 3, Lease vmpool.vm-1 has 4"),
                violation("status.assignment naming another user than the request",
                        w -> w.vmNamed("vm-1").setStatus(new VirtualMachineStatus(
                                new VirtualMachineStatus.Assignment("red", "mallory", null), null, null)),
                        "is Assigned to VM vm-1, whose status.assignment is red/mallory"),
                violation("status.assignment left on a VM nobody holds",
                        w -> {
                            w.vms.add(vm("vm-3", "red", "zoe"));
                            w.requests.remove(w.requestNamed("r-3"));
                        },
                        "VM vm-3 has status.assignment red/zoe but no Lease"),
                violation("a request waiting while a VM of its pool is free",
                        w -> w.vms.add(vm("vm-3", "red", null)),
                        "VmAssignment r-3 (carol in red) is Waiting (0 of 2 VMs free: 2 held) although VM(s) [vm-3]"),
                violation("a request stuck in deletion",
                        w -> w.requestNamed("r-3").getMetadata().setDeletionTimestamp("2026-03-01T09:00:00Z"),
                        "VmAssignment r-3 (carol in red) is still being deleted"),
                violation("a terminal reason on an active request",
                        w -> w.requestNamed("r-3").getStatus().conditions().getFirst().setReason("Expired"),
                        "VmAssignment r-3 (carol in red) is Expired"),
                violation("a waiting request without a message",
                        w -> w.requestNamed("r-3").getStatus().conditions().getFirst().setMessage(""),
                        "VmAssignment r-3 (carol in red) is Waiting without a message"),
                violation("a status for an older generation",
                        w -> w.requestNamed("r-3").getMetadata().setGeneration(2L),
                        "has status for generation 1, not its generation 2"),
                violation("two requests of one user and pool both served",
                        w -> w.requestNamed("r-4").getStatus().conditions().getFirst().setReason("Waiting"),
                        "pool/user red/bob has 2 requests served"),
                violation("an Assigned VM left out of the request's pool",
                        w -> w.vmNamed("vm-2").getSpec().pools().set(0, "blue"),
                        "is Assigned to VM vm-2, which is not in pool red"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void findsAndNamesEachViolation(String what, Consumer<World> change, String expected) {
        World world = new World();
        change.accept(world);

        Invariants.Report report = world.check();

        assertThat(report.violations()).as(what).anySatisfy(v -> assertThat(v).contains(expected));
    }

    @Test
    void duringABurstOnlyTwoUsersAssignedOneVmByLiveRequestsIsAViolation() {
        World world = new World();
        world.requests.add(request("r-5", "erin", "Assigned", "VM vm-1", "vm-1", 4));
        world.requests.add(request("r-6", "alice", "Assigned", "VM vm-2", "vm-2", 1));
        world.requestNamed("r-2").getMetadata().setDeletionTimestamp("2026-03-01T09:59:59Z");

        assertThat(Invariants.duringBurst(world.requests))
                .containsExactly("VM vm-1 is Assigned to 2 users at once: {alice=[r-1], erin=[r-5]}");
    }

    // ---------------------------------------------------------------- objects

    private static Arguments violation(String what, Consumer<World> change, String expected) {
        return Arguments.of(what, change, expected);
    }

    private static VirtualMachine vm(String name, String pool, String assignee) {
        VirtualMachine vm = new VirtualMachine();
        vm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").build());
        vm.setSpec(new VirtualMachineSpec(new ArrayList<>(List.of(pool)), new VirtualMachineSpec.Vm("Running")));
        vm.setStatus(new VirtualMachineStatus(assignee == null ? null
                : new VirtualMachineStatus.Assignment(pool, assignee, "2026-03-01T09:59:00.000Z"), null, null));
        return vm;
    }

    private static Lease lease(String vm, String holder, int transitions, Instant renewed, int seconds) {
        return new LeaseBuilder().withMetadata(new ObjectMetaBuilder().withName(LeaseNames.forVm(vm))
                        .withNamespace("ns").build())
                .withNewSpec().withHolderIdentity(holder).withAcquireTime(renewed.atZone(ZoneOffset.UTC))
                .withRenewTime(renewed.atZone(ZoneOffset.UTC)).withLeaseDurationSeconds(seconds)
                .withLeaseTransitions(transitions).endSpec().build();
    }

    private static VmAssignment request(String name, String user, String reason, String message, String vm,
            Integer transitions) {
        VmAssignment request = new VmAssignment();
        request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name)
                .withGeneration(1L).build());
        request.setSpec(new VmAssignmentSpec("red", user));
        Condition assigned = new ConditionBuilder().withType("Assigned")
                .withStatus("Assigned".equals(reason) ? "True" : "False").withReason(reason).withMessage(message)
                .build();
        request.setStatus(new VmAssignmentStatus(vm, vm == null ? null : LeaseNames.forVm(vm), transitions, null,
                null, null, 1L, new ArrayList<>(List.of(assigned))));
        return request;
    }
}
