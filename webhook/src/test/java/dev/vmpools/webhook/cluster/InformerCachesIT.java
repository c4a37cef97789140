package dev.vmpools.webhook.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.webhook.RunningWebhook;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The caches as the webhook's service account sees them: informers in the pool namespaces only, a live read
 * for pools elsewhere, and what the rules learn of stored VmAssignments.
 */
@ExtendWith(ControlPlaneExtension.class)
class InformerCachesIT {

    private static ControlPlane cp;
    private static String cached;
    /** A pool namespace whose objects the informers do not watch: pools there are read live. */
    private static String uncached;
    /** A namespace where the webhook has no rights. */
    private static String forbidden;
    private static InformerCaches caches;

    @BeforeAll
    static void start(ControlPlane controlPlane, TestNamespace ns) throws Exception {
        cp = controlPlane;
        cached = ns.name();
        uncached = cached + "-live";
        forbidden = cached + "-denied";
        KubernetesClient root = cp.client(TestUser.ROOT);
        for (String extra : List.of(uncached, forbidden)) {
            root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(extra).endMetadata().build()).create();
        }
        RunningWebhook.install(cp);
        RunningWebhook.bindUsersAndWebhook(cp, cached);
        RunningWebhook.bindUsersAndWebhook(cp, uncached);
        caches = InformerCaches.start(cp.client(TestUser.WEBHOOK), Set.of(cached), Duration.ofSeconds(1));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(caches::synced);
    }

    @AfterAll
    static void stop() {
        if (caches != null) {
            caches.close();
        }
        KubernetesClient root = cp.client(TestUser.ROOT);
        root.resources(VmAssignment.class).inNamespace(cached).withName("deleting")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
        root.namespaces().withName(uncached).delete();
        root.namespaces().withName(forbidden).delete();
    }

    @Test
    void findsCachedPoolsAndKnowsMissingOnes() {
        pool(cached, "cached-pool");

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caches.find(cached, "cached-pool") instanceof PoolLookup.Found);
        assertThat(caches.find(cached, "cached-pool")).isInstanceOfSatisfying(PoolLookup.Found.class, found -> {
            assertThat(found.spec().permissions()).containsExactly(new PoolGrantSpec(null, "user", List.of("start")));
            assertThat(found.deleting()).isFalse();
        });
        assertThat(caches.find(cached, "no-such-pool")).isInstanceOf(PoolLookup.Missing.class);
    }

    @Test
    void aChangedPoolIsFoundWithItsNewGrantsAndADeletedOneIsMissing() {
        KubernetesClient root = cp.client(TestUser.ROOT);
        pool(cached, "changing-pool");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caches.find(cached, "changing-pool") instanceof PoolLookup.Found);
        assertThat(caches.find(cached, "changing-pool")).isInstanceOfSatisfying(PoolLookup.Found.class,
                found -> assertThat(found.permissions().namesUser("alice")).isFalse());

        root.resources(VmPool.class).inNamespace(cached).withName("changing-pool").edit(pool -> {
            pool.setSpec(new VmPoolSpec("PT1H", false, List.of(new PoolGrantSpec("alice", null, List.of("start")))));
            return pool;
        });

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(caches.find(cached, "changing-pool"))
                .isInstanceOfSatisfying(PoolLookup.Found.class, found -> assertThat(found.permissions().namesUser("alice")).isTrue()));

        root.resources(VmPool.class).inNamespace(cached).withName("changing-pool").delete();

        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> caches.find(cached, "changing-pool") instanceof PoolLookup.Missing);
    }

    @Test
    void readsAPoolOutsideTheCacheLive() {
        pool(uncached, "live-pool");

        assertThat(caches.find(uncached, "live-pool")).isInstanceOfSatisfying(PoolLookup.Found.class,
                found -> assertThat(found.name()).isEqualTo("live-pool"));
        assertThat(caches.find(uncached, "no-such-pool")).isInstanceOf(PoolLookup.Missing.class);
    }

    @Test
    void aPoolItMayNotReadIsUnavailableNotMissing() {
        pool(forbidden, "secret-pool");

        assertThat(caches.find(forbidden, "secret-pool")).isInstanceOfSatisfying(PoolLookup.Unavailable.class,
                unavailable -> assertThat(unavailable.why()).contains("HTTP 403"));
        assertThat(caches.find(forbidden, "no-such-pool")).isInstanceOf(PoolLookup.Unavailable.class);
    }

    @Test
    void indexesRequestsByPoolAndUserAndKnowsWhichAreActive() {
        KubernetesClient root = cp.client(TestUser.ROOT);
        assignment("waiting", "p", "alice", List.of());
        assignment("expired", "p", "alice", List.of());
        assignment("deleting", "p", "alice", List.of("vmpools.dev/release"));
        assignment("other-user", "p", "bob", List.of());
        assignment("other-pool", "q", "alice", List.of());
        cp.kubectl(TestUser.ROOT, "patch", "vmassignments", "expired", "-n", cached, "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"conditions\":[{\"type\":\"Assigned\",\"status\":\"False\",\"reason\":\"Expired\","
                        + "\"message\":\"retention ended\",\"lastTransitionTime\":\"2026-11-24T08:00:00Z\"}]}}");
        root.resources(VmAssignment.class).inNamespace(cached).withName("deleting").delete();

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(caches.of(cached, "p", "alice"))
                .extracting(ExistingAssignment::name, ExistingAssignment::active, ExistingAssignment::assignedReason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("waiting", true, Optional.empty()),
                        org.assertj.core.groups.Tuple.tuple("expired", false, Optional.of("Expired")),
                        org.assertj.core.groups.Tuple.tuple("deleting", false, Optional.empty())));
        assertThat(caches.of(cached, "p", "bob")).extracting(ExistingAssignment::name).containsExactly("other-user");
        assertThat(caches.of(uncached, "p", "alice")).isEmpty();
    }

    private static void pool(String namespace, String name) {
        VmPool pool = new VmPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pool.setSpec(new VmPoolSpec("PT1H", false, List.of(new PoolGrantSpec(null, "user", List.of("start")))));
        cp.client(TestUser.ROOT).resources(VmPool.class).inNamespace(namespace).resource(pool).create();
    }

    private static void assignment(String name, String pool, String user, List<String> finalizers) {
        VmAssignment assignment = new VmAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(name).withFinalizers(finalizers).build());
        assignment.setSpec(new VmAssignmentSpec(pool, user));
        cp.client(TestUser.ROOT).resources(VmAssignment.class).inNamespace(cached).resource(assignment).create();
    }
}
