package dev.vmpools.scheduler;

import dev.vmpools.simulator.VmRunnerSimulator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.scheduler.execution.ClusterWriter;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle on VM-Operator 4.0.x's own CRDs, read from {@code ../shared/reference/} (never copied into the
 * repository): the full {@code vms} schema (a status defaulted with {@code assignment: {}} and five conditions,
 * unknown fields pruned) and VM-Operator's VmPool CRD, which has no status subresource — as after a VM-Operator
 * upgrade re-installed it. It runs on a control plane of its own: the shared one has the minimal {@code vms} CRD
 * under the same name.
 */
class UpstreamCrdIT {
    private static final Path VMS_CRD = TestCluster.REFERENCE.resolve("vms-crd.yaml");
    private static final Path VMPOOLS_CRD = TestCluster.REFERENCE.resolve("vmpools-crd.yaml");
    private static final String NAMESPACE = "vmop-dev";

    private static ControlPlane cp;
    private static KubernetesClient schedulerClient;
    private static Scheduler scheduler;
    private static VmRunnerSimulator runner;
    private static PoolScene scene;
    /** Held here: java.util.logging keeps loggers only weakly, and with them their handlers. */
    private static final Logger WRITER_LOG = Logger.getLogger(ClusterWriter.class.getName());
    private static final List<String> writerWarnings = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                writerWarnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void start() {
        assumeTrue(Files.isRegularFile(VMS_CRD) && Files.isRegularFile(VMPOOLS_CRD), "VM-Operator's CRDs are not in "
                + TestCluster.REFERENCE + " (reference data beside the repository): the lifecycle on the full upstream"
                + " CRDs is not checked here");
        WRITER_LOG.addHandler(CAPTURE);
        cp = ControlPlane.start();
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "-f", VMS_CRD.toString());
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "-f", VMPOOLS_CRD.toString());
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "-k", TestCluster.manifest("crds/vmassignment"));
        cp.kubectl(TestUser.ROOT, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/vmpools.vmoperator.jdrupes.org", "crd/vmassignments.vmpools.dev", "crd/vms.vmoperator.jdrupes.org");
        TestCluster.installSystemAndRbac(cp);
        cp.client(TestUser.ROOT).namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .endMetadata().build()).create();
        TestCluster.makePoolNamespace(cp, NAMESPACE);
        scene = new PoolScene(cp, NAMESPACE);
        runner = new VmRunnerSimulator(cp.client(TestUser.ROOT), NAMESPACE);
        schedulerClient = cp.newClient(TestUser.SCHEDULER);
        scheduler = TestCluster.startScheduler(schedulerClient, NAMESPACE, Map.of());
    }

    @AfterAll
    static void stop() {
        WRITER_LOG.removeHandler(CAPTURE);
        if (scheduler != null) {
            scheduler.close();
            schedulerClient.close();
            runner.close();
        }
        if (cp != null) {
            cp.close();
        }
    }

    @Test
    void assignsHoldsExpiresPassesOnAndReleasesOnVmOperatorsOwnCrds() {
        scene.pool("test-vms", "PT3S");
        scene.vm("test-vm-1", "test-vms");
        assertThat(scene.rawVm("test-vm-1")).extractingByKey("status").asString().contains("assignment={}");

        scene.ask(TestUser.ALICE, "alice-test-vms", "test-vms");
        assertThat(scene.awaitAssigned("alice-test-vms")).isEqualTo("test-vm-1");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> assertThat(scene.request("alice-test-vms").getStatus()
                .conditions()).anySatisfy(c -> {
                    assertThat(c.getType()).isEqualTo("Ready");
                    assertThat(c.getStatus()).isEqualTo("True");
                }));
        assertThat(scene.record("test-vm-1")).map(a -> a.names("test-vms", "alice")).contains(true);
        runner.connect("test-vm-1", "alice");
        await().atMost(PoolScene.PATIENCE).until(() -> scene.request("alice-test-vms").getStatus().expiresAt() == null);
        runner.disconnect("test-vm-1");
        scene.awaitReason("alice-test-vms", "Expired");

        scene.ask(TestUser.BOB, "bob-test-vms", "test-vms");
        assertThat(scene.awaitAssigned("bob-test-vms")).isEqualTo("test-vm-1");
        assertThat(scene.lease("test-vm-1").getSpec().getLeaseTransitions()).isEqualTo(1);
        scene.delete(TestUser.ALICE, "alice-test-vms");
        await().atMost(PoolScene.PATIENCE).until(() -> scene.request("alice-test-vms") == null);
        assertThat(scene.record("test-vm-1")).map(PoolAssignment::user).contains("bob");

        scene.delete(TestUser.BOB, "bob-test-vms");
        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            assertThat(scene.request("bob-test-vms")).isNull();
            assertThat(scene.record("test-vm-1")).isEmpty();
            assertThat(scene.lease("test-vm-1").getSpec().getHolderIdentity()).isEmpty();
        });
        assertThat(scene.rawVm("test-vm-1")).extractingByKey("spec").asString().contains("maximumCpus=4",
                "debian-13.qcow2");

        // VM-Operator's VmPool CRD has no status subresource: said once, and scheduling went on.
        assertThat(scene.root.resources(VmPool.class).inNamespace(NAMESPACE).withName("test-vms").get().getStatus())
                .isNull();
        assertThat(writerWarnings).filteredOn(m -> m.contains("has no status subresource")).hasSize(1);
    }
}
