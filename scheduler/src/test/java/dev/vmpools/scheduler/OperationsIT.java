package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.VmPool;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two scheduler replicas with leader election, as the Deployment runs them: one plans, the other stands by and
 * takes over when the first goes; pool status, health and metrics as operators see them.
 */
@ExtendWith(ControlPlaneExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static KubernetesClient firstClient;
    private static KubernetesClient secondClient;
    private static Scheduler first;
    private static Scheduler second;
    private static PoolScene scene;

    @BeforeAll
    static void start(ControlPlane cp, TestNamespace ns) {
        TestCluster.install(cp);
        TestCluster.makePoolNamespace(cp, ns.name());
        scene = new PoolScene(cp, ns.name());
        firstClient = cp.newClient(TestUser.SCHEDULER);
        secondClient = cp.newClient(TestUser.SCHEDULER);
        Map<String, String> elected = Map.of("leader-election", "true");
        first = TestCluster.startScheduler(firstClient, ns.name(), elected);
        second = TestCluster.startScheduler(secondClient, ns.name(), elected);
    }

    @AfterAll
    static void stop() {
        Stream.of(first, second).forEach(Scheduler::close);
        Stream.of(firstClient, secondClient).forEach(KubernetesClient::close);
    }

    /** Last: it stops the leader. */
    @Test
    @Order(Integer.MAX_VALUE)
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops(ControlPlane cp) {
        await().atMost(Duration.ofSeconds(30)).until(() -> first.leading() || second.leading());
        assertThat(first.leading() && second.leading()).as("two leaders").isFalse();
        Scheduler leader = first.leading() ? first : second;
        Scheduler standby = leader == first ? second : first;
        Lease election = cp.client(TestUser.ROOT).leases().inNamespace("vmpools-system").withName("vmpools-scheduler")
                .get();
        assertThat(election.getSpec().getHolderIdentity()).isEqualTo(leader.identity());
        scene.pool("ha", "PT1H");
        scene.vm("ha-1", "ha");
        scene.vm("ha-2", "ha");
        scene.ask(TestUser.ALICE, "alice-ha", "ha");
        scene.awaitAssigned("alice-ha");

        leader.close();

        await().atMost(Duration.ofSeconds(30)).until(standby::leading);
        scene.ask(TestUser.BOB, "bob-ha", "ha");
        scene.awaitAssigned("bob-ha");
        assertThat(standby.ready()).isTrue();
    }

    @Test
    void poolStatusCountsVmsAndSaysWhetherThePoolHasAny() {
        scene.pool("counted", "PT1H");
        scene.pool("empty", "PT1H");
        scene.vm("counted-1", "counted");
        scene.vm("counted-2", "counted");
        scene.ask(TestUser.ALICE, "alice-counted", "counted");
        scene.awaitAssigned("alice-counted");
        scene.ask(TestUser.ALICE, "alice-empty", "empty");

        await().atMost(PoolScene.PATIENCE).untilAsserted(() -> {
            VmPool counted = scene.root.resources(VmPool.class).inNamespace(scene.namespace).withName("counted").get();
            assertThat(counted.getStatus().vms()).isEqualTo(2);
            assertThat(counted.getStatus().assigned()).isEqualTo(1);
            assertThat(counted.getStatus().free()).isEqualTo(1);
            assertThat(counted.getStatus().waiting()).isZero();
            assertThat(counted.getStatus().observedGeneration()).isEqualTo(counted.getMetadata().getGeneration());
            assertThat(counted.getStatus().conditions()).extracting(Condition::getType, Condition::getStatus)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(ConditionTypes.HAS_VMS, "True"));
            VmPool empty = scene.root.resources(VmPool.class).inNamespace(scene.namespace).withName("empty").get();
            assertThat(empty.getStatus().waiting()).isEqualTo(1);
            assertThat(empty.getStatus().conditions()).extracting(Condition::getStatus, Condition::getReason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("False", "NoVms"));
        });
        assertThat(scene.awaitReason("alice-empty", "Waiting").getStatus().conditions())
                .filteredOn(c -> c.getType().equals(ConditionTypes.ASSIGNED)).extracting(Condition::getMessage)
                .containsExactly("0 of 0 VMs free: no VM lists pool empty in spec.pools");
    }

    @Test
    void healthAndMetricsAnswerOverHttp() throws Exception {
        scene.pool("metered", "PT1H");
        scene.vm("metered-1", "metered");
        scene.ask(TestUser.ALICE, "alice-metered", "metered");
        scene.awaitAssigned("alice-metered");
        scene.ask(TestUser.BOB, "bob-metered", "metered");
        scene.awaitReason("bob-metered", "Waiting");
        Scheduler leader = first.leading() ? first : second;

        // Both replicas are live and ready: the standby's caches are warm for a takeover.
        for (Scheduler replica : List.of(first, second)) {
            assertThat(get(replica, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(replica, "/health/ready").statusCode()).isEqualTo(200);
        }
        assertThat(get(leader, "/health/other").statusCode()).isEqualTo(404);
        HttpResponse<String> metrics = get(leader, "/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body()).contains("vmpools_scheduler_assignments_total{result=\"Assigned\"}",
                "vmpools_scheduler_assignments_total{result=\"Waiting\"}",
                "vmpools_scheduler_assignment_latency_seconds_bucket", "vmpools_scheduler_waiting",
                "vmpools_scheduler_expiries_total", "vmpools_scheduler_lease_conflicts_total");
        assertThat(metrics.body().lines().filter(l -> l.startsWith("vmpools_scheduler_waiting "))
                .map(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))).singleElement()
                .satisfies(waiting -> assertThat(waiting).isGreaterThanOrEqualTo(1.0));
    }

    private static HttpResponse<String> get(Scheduler scheduler, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + scheduler.metricsPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
