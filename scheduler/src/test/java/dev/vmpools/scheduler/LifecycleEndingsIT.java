package dev.vmpools.scheduler;

import dev.vmpools.simulator.VmRunnerSimulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VmPool;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How assignments end or move when the world changes under them (DESIGN §2.3, §4.3): the pool deleted, a VM
 * leaving the pool or deleted and created again, a grant withdrawn, the waiting queue, and a whole namespace
 * deleted with its assignments.
 */
@ExtendWith(ControlPlaneExtension.class)
class LifecycleEndingsIT {
    private static KubernetesClient schedulerClient;
    private static Scheduler scheduler;
    private static VmRunnerSimulator runner;
    private static PoolScene scene;
    private static String doomed;

    @BeforeAll
    static void start(ControlPlane cp, TestNamespace ns) {
        TestCluster.install(cp);
        TestCluster.makePoolNamespace(cp, ns.name());
        doomed = "doomed-" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        cp.client(TestUser.ROOT).namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(doomed)
                .endMetadata().build()).create();
        TestCluster.makePoolNamespace(cp, doomed);
        scene = new PoolScene(cp, ns.name());
        runner = new VmRunnerSimulator(cp.client(TestUser.ROOT), ns.name());
        schedulerClient = cp.newClient(TestUser.SCHEDULER);
        // A request for a pool the caches do not hold waits this long in case the pool is being created.
        scheduler = TestCluster.startScheduler(schedulerClient, ns.name() + "," + doomed,
                Map.of("pool-not-found-grace", "PT1S", "stop-after-expiry", "true"));
    }

    @AfterAll
    static void stop(ControlPlane cp) {
        scheduler.close();
        schedulerClient.close();
        runner.close();
        cp.client(TestUser.ROOT).namespaces().withName(doomed).delete();
    }

    @Test
    void deletingThePoolEndsItsAssignmentsWithPoolNotFoundAndReleasesTheirVms() {
        scene.pool("closing", "PT1H");
        scene.vm("closing-1", "closing");
        scene.ask(TestUser.ALICE, "alice-closing", "closing");
        scene.awaitAssigned("alice-closing");

        scene.root.resources(VmPool.class).inNamespace(scene.namespace).withName("closing").delete();

        assertThat(scene.awaitReason("alice-closing", "PoolNotFound").getStatus().vm()).isEqualTo("closing-1");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            assertThat(scene.lease("closing-1").getSpec().getHolderIdentity()).isEmpty();
            assertThat(scene.record("closing-1")).isEmpty();
        });
        assertThat(scene.eventReasons("alice-closing")).contains("PoolNotFound");
    }

    @Test
    void aVmLeavingThePoolIsGoneForItsHolderWhoIsPlannedAgainAtOnce() {
        scene.pool("moving", "PT1H");
        scene.vm("moving-1", "moving");
        scene.vm("moving-2", "moving");
        scene.ask(TestUser.ALICE, "alice-moving", "moving");
        String alices = scene.awaitAssigned("alice-moving");
        scene.ask(TestUser.BOB, "bob-moving", "moving");
        String bobs = scene.awaitAssigned("bob-moving");

        scene.setPools(alices);

        // No other VM is free: she waits, told which VM she lost; the VM she lost is released.
        assertThat(scene.awaitReason("alice-moving", "VmGone").getStatus().conditions())
                .filteredOn(c -> c.getType().equals("Assigned")).extracting(Condition::getMessage).singleElement()
                .asString().contains("VM " + alices + " left pool moving");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            assertThat(scene.lease(alices).getSpec().getHolderIdentity()).isEmpty();
            assertThat(scene.record(alices)).isEmpty();
        });

        scene.delete(TestUser.BOB, "bob-moving");

        assertThat(scene.awaitAssigned("alice-moving")).isEqualTo(bobs);
    }

    @Test
    void aVmDeletedAndCreatedAgainIsTakenAnewWithAFreshLease() {
        scene.pool("rebuilt", "PT1H");
        scene.vm("rebuilt-1", "rebuilt");
        scene.ask(TestUser.ALICE, "alice-rebuilt", "rebuilt");
        scene.awaitAssigned("alice-rebuilt");
        String oldUid = scene.vmObject("rebuilt-1").getMetadata().getUid();

        scene.vmResource("rebuilt-1").withGracePeriod(0).delete();
        await().atMost(PoolScene.PATIENCE).until(() -> scene.vmObject("rebuilt-1") == null);
        scene.vm("rebuilt-1", "rebuilt");
        String newUid = scene.vmObject("rebuilt-1").getMetadata().getUid();

        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            assertThat(scene.reason("alice-rebuilt")).isEqualTo("Assigned");
            Lease lease = scene.lease("rebuilt-1");
            assertThat(lease).isNotNull();
            assertThat(lease.getMetadata().getOwnerReferences()).singleElement()
                    .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(newUid));
            assertThat(lease.getSpec().getHolderIdentity()).startsWith("alice-rebuilt/");
            assertThat(scene.record("rebuilt-1")).map(PoolAssignment::user).contains("alice");
        });
        assertThat(newUid).isNotEqualTo(oldUid);
        assertThat(scene.vmObject("rebuilt-1").desiredState()).contains("Running");
    }

    @Test
    void withStopAfterExpiryAnExpiredVmNobodyTakesOverIsStopped() {
        scene.pool("nightly", "PT2S");
        scene.vm("nightly-1", "nightly");
        scene.ask(TestUser.ALICE, "alice-nightly", "nightly");
        scene.awaitAssigned("alice-nightly");
        assertThat(scene.vmObject("nightly-1").desiredState()).contains("Running");

        scene.awaitReason("alice-nightly", "Expired");

        await().atMost(PoolScene.PATIENCE).until(() -> scene.vmObject("nightly-1").desiredState()
                .equals(java.util.Optional.of("Stopped")));
        assertThat(scene.record("nightly-1")).map(PoolAssignment::user).contains("alice");
    }

    @Test
    void withdrawingTheGrantThatAdmittedARequestEndsItWithPermissionRevoked() {
        scene.pool("granted", "PT1H");
        scene.vm("granted-1", "granted");
        scene.ask(TestUser.ALICE, "alice-granted", "granted");
        scene.awaitAssigned("alice-granted");

        scene.setGrants("granted", List.of(new PoolGrantSpec("bob", null, List.of("accessConsole"))));

        scene.awaitReason("alice-granted", "PermissionRevoked");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            assertThat(scene.lease("granted-1").getSpec().getHolderIdentity()).isEmpty();
            assertThat(scene.record("granted-1")).isEmpty();
        });
        scene.ask(TestUser.BOB, "bob-granted", "granted", "user:bob");
        assertThat(scene.awaitAssigned("bob-granted")).isEqualTo("granted-1");
    }

    @Test
    void waitingRequestsAreServedFirstComeFirstServed() {
        scene.pool("queue", "PT1H");
        scene.vm("queue-1", "queue");
        scene.ask(TestUser.ALICE, "alice-queue", "queue");
        scene.awaitAssigned("alice-queue");
        // Names sort against the order of arrival: first come is (creationTimestamp, name).
        Instant first = Instant.parse(scene.ask(TestUser.BOB, "z-bob-queue", "queue").getMetadata()
                .getCreationTimestamp());
        await().atMost(Duration.ofSeconds(2)).until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(first));
        scene.ask(TestUser.DAVE, "a-dave-queue", "queue");
        scene.awaitReason("z-bob-queue", "Waiting");
        scene.awaitReason("a-dave-queue", "Waiting");

        scene.delete(TestUser.ALICE, "alice-queue");

        assertThat(scene.awaitAssigned("z-bob-queue")).isEqualTo("queue-1");
        assertThat(scene.reason("a-dave-queue")).isEqualTo("Waiting");
        scene.delete(TestUser.BOB, "z-bob-queue");
        assertThat(scene.awaitAssigned("a-dave-queue")).isEqualTo("queue-1");
    }

    @Test
    void aNamespaceWithAssignmentsIsDeletedCleanly(ControlPlane cp) {
        PoolScene there = new PoolScene(cp, doomed);
        there.pool("lab", "PT1H");
        there.vm("lab-1", "lab");
        there.ask(TestUser.ALICE, "alice-lab", "lab");
        there.awaitAssigned("alice-lab");
        there.ask(TestUser.BOB, "bob-lab", "lab");
        there.awaitReason("bob-lab", "Waiting");

        cp.client(TestUser.ROOT).namespaces().withName(doomed).delete();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(cp.client(TestUser.ROOT).namespaces().withName(doomed).get()).isNull());
    }
}
