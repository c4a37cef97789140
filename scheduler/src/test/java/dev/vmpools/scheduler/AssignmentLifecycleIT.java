package dev.vmpools.scheduler;

import dev.vmpools.simulator.VmRunnerSimulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The life of an assignment on the real API server, with the scheduler running as its service account under
 * the manifests' RBAC and a simulated VM-Operator runner: assigned and started, held while the console is
 * connected, expired after the pool's retention, passed on, given back.
 */
@ExtendWith(ControlPlaneExtension.class)
class AssignmentLifecycleIT {
    private static KubernetesClient schedulerClient;
    private static Scheduler scheduler;
    private static VmRunnerSimulator runner;
    private static PoolScene scene;

    @BeforeAll
    static void start(ControlPlane cp, TestNamespace ns) {
        TestCluster.install(cp);
        TestCluster.makePoolNamespace(cp, ns.name());
        scene = new PoolScene(cp, ns.name());
        runner = new VmRunnerSimulator(cp.client(TestUser.ROOT), ns.name());
        schedulerClient = cp.newClient(TestUser.SCHEDULER);
        scheduler = TestCluster.startScheduler(schedulerClient, ns.name(), Map.of());
    }

    @AfterAll
    static void stop() {
        scheduler.close();
        schedulerClient.close();
        runner.close();
    }

    @Test
    void assignsAndStartsAVmHoldsItWhileTheConsoleIsConnectedExpiresItAndPassesItOn() {
        scene.pool("lab", "PT3S");
        scene.vm("lab-1", "lab");

        VmAssignment asked = scene.ask(TestUser.ALICE, "alice-lab", "lab");
        assertThat(scene.awaitAssigned("alice-lab")).isEqualTo("lab-1");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> assertThat(ready("alice-lab")).isEqualTo("True"));
        VmAssignment alice = scene.request("alice-lab");
        assertThat(alice.getMetadata().getFinalizers()).containsExactly(MetadataKeys.FINALIZER);
        assertThat(alice.getMetadata().getLabels()).containsEntry(MetadataKeys.POOL_LABEL, "lab")
                .containsEntry(MetadataKeys.USER_LABEL, "alice");
        assertThat(alice.getStatus().lease()).isEqualTo("vmpool.lab-1");
        assertThat(alice.getStatus().leaseTransitions()).isZero();
        assertThat(alice.getStatus().observedGeneration()).isEqualTo(alice.getMetadata().getGeneration());
        assertThat(scene.vmObject("lab-1").desiredState()).contains("Running");
        assertThat(scene.record("lab-1")).map(a -> a.names("lab", "alice")).contains(true);
        Lease lease = scene.lease("lab-1");
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("alice-lab/" + asked.getMetadata().getUid());
        assertThat(lease.getSpec().getLeaseTransitions()).isZero();
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement()
                .extracting(OwnerReference::getKind, OwnerReference::getName, OwnerReference::getUid)
                .containsExactly(VirtualMachine.KIND, "lab-1", scene.vmObject("lab-1").getMetadata().getUid());
        assertThat(scene.eventReasons("alice-lab")).contains("Assigned");

        // While her console is connected, nothing expires: the Lease says so to anyone who reads it.
        runner.connect("lab-1", "alice");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            assertThat(scene.request("alice-lab").getStatus().expiresAt()).isNull();
            assertThat(scene.lease("lab-1").getSpec().getLeaseDurationSeconds()).isEqualTo(Integer.MAX_VALUE);
        });
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> "Assigned".equals(scene.reason("alice-lab")));

        // She disconnects: the retention counts from then, and the assignment ends at that instant.
        runner.disconnect("lab-1");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() ->
                assertThat(scene.request("alice-lab").getStatus().expiresAt()).isNotNull());
        Instant expiresAt = scene.request("alice-lab").getStatus().expiresAt();
        VmAssignment expired = scene.awaitReason("alice-lab", "Expired");
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
        // At the instant, by a timer set for it (no event arrives then): conditions keep whole seconds.
        Instant endedAt = Instant.parse(scene.assigned("alice-lab").orElseThrow().getLastTransitionTime());
        assertThat(endedAt).isBetween(expiresAt.truncatedTo(ChronoUnit.SECONDS),
                expiresAt.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1));
        assertThat(expired.getStatus().vm()).isEqualTo("lab-1");
        assertThat(scene.eventReasons("alice-lab")).contains("Expired");
        Lease expiredLease = scene.lease("lab-1");
        assertThat(expiredLease.getSpec().getHolderIdentity()).startsWith("alice-lab/");
        assertThat(expiredLease.getSpec().getRenewTime().toInstant()
                .plusSeconds(expiredLease.getSpec().getLeaseDurationSeconds())).isBeforeOrEqualTo(Instant.now());
        assertThat(scene.record("lab-1")).map(a -> a.names("lab", "alice")).contains(true);

        // Bob takes the VM over: the Lease changes holder, its transitions grow, the record names him.
        scene.ask(TestUser.BOB, "bob-lab", "lab");
        assertThat(scene.awaitAssigned("bob-lab")).isEqualTo("lab-1");
        assertThat(scene.lease("lab-1").getSpec().getLeaseTransitions()).isEqualTo(1);
        assertThat(scene.lease("lab-1").getSpec().getHolderIdentity()).startsWith("bob-lab/");
        assertThat(scene.request("bob-lab").getStatus().leaseTransitions()).isEqualTo(1);
        assertThat(scene.record("lab-1")).map(PoolAssignment::user).contains("bob");
        assertThat(scene.reason("alice-lab")).isEqualTo("Expired");

        // Deleting alice's old request gives nothing back: the VM is bob's now (he works on it meanwhile).
        runner.connect("lab-1", "bob");
        await().atMost(PoolScene.PATIENCE).until(() -> scene.request("bob-lab").getStatus().expiresAt() == null);
        scene.delete(TestUser.ALICE, "alice-lab");
        await().atMost(PoolScene.PATIENCE).until(() -> scene.request("alice-lab") == null);
        assertThat(scene.lease("lab-1").getSpec().getHolderIdentity()).startsWith("bob-lab/");
        assertThat(scene.lease("lab-1").getSpec().getLeaseTransitions()).isEqualTo(1);
        assertThat(scene.record("lab-1")).map(PoolAssignment::user).contains("bob");
        assertThat(scene.reason("bob-lab")).isEqualTo("Assigned");
    }

    @Test
    void aUserAskingAgainAfterExpiryGetsHerVmBackBeforeAnUnusedOne() {
        scene.pool("sticky", "PT3S");
        scene.vm("sticky-1", "sticky");
        scene.ask(TestUser.ALICE, "alice-sticky", "sticky");
        assertThat(scene.awaitAssigned("alice-sticky")).isEqualTo("sticky-1");
        scene.vm("sticky-0", "sticky");
        scene.awaitReason("alice-sticky", "Expired");

        scene.ask(TestUser.ALICE, "alice-sticky-again", "sticky");

        assertThat(scene.awaitAssigned("alice-sticky-again")).isEqualTo("sticky-1");
        assertThat(scene.lease("sticky-1").getSpec().getHolderIdentity()).startsWith("alice-sticky-again/");
        assertThat(scene.lease("sticky-1").getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void deletingAnAssignmentFreesTheVmAtOnceForTheNextInLine() {
        scene.pool("desk", "PT1H");
        scene.vm("desk-1", "desk");
        scene.ask(TestUser.ALICE, "alice-desk", "desk");
        scene.awaitAssigned("alice-desk");
        scene.ask(TestUser.BOB, "bob-desk", "desk");
        assertThat(scene.awaitReason("bob-desk", "Waiting").getStatus().conditions()).filteredOn(
                c -> c.getType().equals(ConditionTypes.ASSIGNED)).extracting(Condition::getMessage)
                .containsExactly("0 of 1 VM free: 1 held");

        scene.delete(TestUser.ALICE, "alice-desk");

        assertThat(scene.awaitAssigned("bob-desk")).isEqualTo("desk-1");
        await().atMost(PoolScene.PATIENCE).until(() -> scene.request("alice-desk") == null);
        assertThat(scene.lease("desk-1").getSpec().getHolderIdentity()).startsWith("bob-desk/");
        assertThat(scene.record("desk-1")).map(PoolAssignment::user).contains("bob");
        assertThat(scene.eventReasons("alice-desk")).contains("Assigned", "Released");
    }

    private static String ready(String request) {
        VmAssignment r = scene.request(request);
        return r.getStatus().conditions().stream().filter(c -> c.getType().equals(ConditionTypes.READY))
                .map(Condition::getStatus).findFirst().orElse(null);
    }
}
