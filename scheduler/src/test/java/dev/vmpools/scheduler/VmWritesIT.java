package dev.vmpools.scheduler;

import dev.vmpools.simulator.VmRunnerSimulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vmpools.api.PoolAssignment;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The scheduler shares VMs with VM-Operator: it never drops a field it does not model, and VM-Operator's own
 * assignments (its GUI writes {@code status.assignment} with the resourceVersion it read) are never overwritten,
 * not even when both write at the same moment.
 */
@ExtendWith(ControlPlaneExtension.class)
class VmWritesIT {
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
    @SuppressWarnings("unchecked")
    void aVmKeepsEveryFieldWeDoNotModelThroughAssignmentAndRelease() {
        scene.pool("keep", "PT1H");
        scene.vm("keep-1", "keep");
        // What VM-Operator's runner keeps in the status besides what we read.
        scene.vmResource("keep-1").subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"status\":{\"ram\":\"4Gi\",\"cpus\":2,\"displayPasswordSerial\":3,\"osinfo\":{\"id\":\"debian\"}}}");
        Map<String, Object> before = scene.rawVm("keep-1");

        scene.ask(TestUser.ALICE, "alice-keep", "keep");
        scene.awaitAssigned("alice-keep");
        await().atMost(PoolScene.PATIENCE).until(() -> "True".equals(runningStatus("keep-1")));
        Map<String, Object> assigned = scene.rawVm("keep-1");
        scene.delete(TestUser.ALICE, "alice-keep");
        await().atMost(PoolScene.PATIENCE).until(() -> scene.record("keep-1").isEmpty());
        Map<String, Object> released = scene.rawVm("keep-1");

        for (Map<String, Object> after : java.util.List.of(assigned, released)) {
            Map<String, Object> spec = copy(after.get("spec"));
            ((Map<String, Object>) spec.get("vm")).remove("state");
            Map<String, Object> specBefore = copy(before.get("spec"));
            ((Map<String, Object>) specBefore.get("vm")).remove("state");
            assertThat(spec).isEqualTo(specBefore);
            Map<String, Object> status = copy(after.get("status"));
            Map<String, Object> statusBefore = copy(before.get("status"));
            for (Map<String, Object> s : java.util.List.of(status, statusBefore)) {
                s.remove("assignment");
                s.remove("conditions");
            }
            assertThat(status).isEqualTo(statusBefore).containsEntry("ram", "4Gi").containsKey("osinfo");
        }
        assertThat(Serialization.asJson(assigned.get("spec"))).contains("\"state\":\"Running\"", "debian-13.qcow2",
                "00:16:3e:33:58:10");
        assertThat(Serialization.asJson(released.get("status"))).contains("\"assignment\":{}");
    }

    @Test
    void anAssignmentVmOperatorMadeIsNeverTakenWhileItsRetentionRuns() {
        scene.pool("gui", "PT1H");
        scene.vm("gui-1", "gui");
        vmOperatorAssigns("gui-1", "gui", "carol", null);

        scene.ask(TestUser.ALICE, "alice-gui", "gui");

        scene.awaitReason("alice-gui", "Waiting");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> scene.record("gui-1").map(PoolAssignment::user).orElse("").equals("carol"));
        assertThat(scene.lease("gui-1")).isNull();
    }

    @Test
    void anAssignmentVmOperatorWroteOverOursWinsAndOurHolderGivesTheVmUp() {
        scene.pool("over", "PT1H");
        scene.vm("over-1", "over");
        scene.ask(TestUser.ALICE, "alice-over", "over");
        scene.awaitAssigned("alice-over");

        // A GUI write planned before ours landed after it.
        vmOperatorAssigns("over-1", "over", "carol", null);

        scene.awaitReason("alice-over", "VmGone");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            assertThat(scene.lease("over-1").getSpec().getHolderIdentity()).isEmpty();
            assertThat(scene.record("over-1")).map(PoolAssignment::user).contains("carol");
        });
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> scene.record("over-1").map(PoolAssignment::user).orElse("").equals("carol"));
    }

    @Test
    void vmOperatorWritingTheAssignmentAtTheSameMomentIsNeverOverwritten() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        java.util.List<String> outcomes = new java.util.ArrayList<>();
        try {
            for (int round = 0; round < 6; round++) {
                String pool = "race-" + round;
                String vm = pool + "-1";
                scene.pool(pool, "PT1H");
                scene.vm(vm, pool);
                String read = scene.vmResource(vm).get().getMetadata().getResourceVersion();
                CountDownLatch go = new CountDownLatch(1);
                // Every other round VM-Operator writes only once the scheduler holds the Lease: the window
                // between taking the Lease and the commit point.
                boolean afterLease = round % 2 == 1;
                Future<Boolean> gui = threads.submit(() -> {
                    go.await();
                    if (afterLease) {
                        await().pollInterval(Duration.ofMillis(2)).atMost(PoolScene.PATIENCE)
                                .until(() -> scene.lease(vm) != null);
                    }
                    return vmOperatorAssigns(vm, pool, "carol", read);
                });
                Future<?> ask = threads.submit(() -> {
                    go.await();
                    return scene.ask(TestUser.ALICE, "alice-" + pool, pool);
                });
                go.countDown();
                boolean guiWon = gui.get();
                ask.get();
                outcomes.add((afterLease ? "after Lease: " : "at once: ") + (guiWon ? "VM-Operator" : "scheduler"));

                if (guiWon) {
                    // Carol's record stands; alice waits and holds no Lease on the VM.
                    scene.awaitReason("alice-" + pool, "Waiting");
                    await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
                        assertThat(scene.record(vm)).map(PoolAssignment::user).contains("carol");
                        var lease = scene.lease(vm);
                        assertThat(lease == null || lease.getSpec().getHolderIdentity().isEmpty())
                                .as("Lease of %s free", vm).isTrue();
                    });
                } else {
                    // The scheduler committed first: VM-Operator's write, planned on the old version, was refused.
                    assertThat(scene.awaitAssigned("alice-" + pool)).isEqualTo(vm);
                    assertThat(scene.record(vm)).map(PoolAssignment::user).contains("alice");
                }
            }
        } finally {
            threads.shutdownNow();
            System.out.println("VM-Operator and scheduler racing for a VM, who committed: " + outcomes);
        }
    }

    /**
     * VM-Operator's GUI assigns a VM: a merge patch of {@code status.assignment} carrying the resourceVersion it
     * read (null: the current one). False when the server refused it because the VM changed since.
     */
    private static boolean vmOperatorAssigns(String vm, String pool, String user, String resourceVersion) {
        var resource = scene.vmResource(vm);
        String version = resourceVersion != null ? resourceVersion : resource.get().getMetadata().getResourceVersion();
        Map<String, Object> patch = new HashMap<>();
        patch.put("metadata", Map.of("resourceVersion", version));
        patch.put("status", Map.of("assignment", new PoolAssignment(pool, user, Instant.now()).toMap()));
        try {
            resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
            return true;
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).isEqualTo(409);
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static String runningStatus(String vm) {
        Map<String, Object> status = (Map<String, Object>) scene.rawVm(vm).get("status");
        return ((java.util.List<Map<String, Object>>) status.get("conditions")).stream()
                .filter(c -> "Running".equals(c.get("type"))).map(c -> (String) c.get("status")).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Object value) {
        return Serialization.unmarshal(Serialization.asJson(value), Map.class);
    }
}
