package dev.vmpools.webhook.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A pool namespace as the webhook meets it in use, so that its decisions take their real path: the pool
 * {@code test-vms} granting role {@code user} (alice's group) and the admin, {@value #BENCH_POOLS} pools
 * {@code bench-NN} likewise, {@value #TEAM_POOLS} team pools granting named users, and {@value #ASSIGNMENTS}
 * VmAssignments of other users spread over them. Alice holds no assignment, so each of her requests is admitted.
 */
final class BenchState {

    static final String POOL = "test-vms";
    static final int BENCH_POOLS = 20;
    static final int TEAM_POOLS = 10;
    static final int ASSIGNMENTS = 200;

    private BenchState() {
    }

    static String benchPool(int i) {
        return String.format("bench-%02d", i % BENCH_POOLS);
    }

    /** Creates the pools and assignments in {@code namespace} as root, which no webhook sees. */
    static void populate(ControlPlane cp, String namespace) throws Exception {
        KubernetesClient root = cp.client(TestUser.ROOT);
        List<String> userPools = new ArrayList<>(List.of(POOL));
        for (int i = 0; i < BENCH_POOLS; i++) {
            userPools.add(benchPool(i));
        }
        try (ExecutorService writes = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (String pool : userPools) {
                done.add(writes.submit(() -> createPool(root, namespace, pool,
                        grant("admin", null, "*"), grant(null, "user", "accessConsole", "start"))));
            }
            for (int i = 1; i <= TEAM_POOLS; i++) {
                String pool = String.format("team-%02d", i);
                List<PoolGrantSpec> grants = new ArrayList<>();
                for (int u = 0; u < 20; u++) {
                    grants.add(grant(user(i * 20 + u), null, "accessConsole", "start", "stop"));
                }
                grants.add(grant(null, "team-" + i, "accessConsole"));
                done.add(writes.submit(() -> createPool(root, namespace, pool, grants.toArray(PoolGrantSpec[]::new))));
            }
            for (Future<?> f : done) {
                f.get();
            }
            done.clear();
            for (int i = 0; i < ASSIGNMENTS; i++) {
                String user = user(i);
                String pool = i % 2 == 0 ? POOL : String.format("team-%02d", 1 + i % TEAM_POOLS);
                done.add(writes.submit(() -> {
                    VmAssignment assignment = new VmAssignment();
                    assignment.setMetadata(new ObjectMetaBuilder().withName(user + "-" + pool).build());
                    assignment.setSpec(new VmAssignmentSpec(pool, user));
                    return root.resources(VmAssignment.class).inNamespace(namespace).resource(assignment).create();
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    private static String user(int i) {
        return String.format("user-%03d", i);
    }

    private static PoolGrantSpec grant(String user, String role, String... may) {
        return new PoolGrantSpec(user, role, List.of(may));
    }

    private static VmPool createPool(KubernetesClient root, String namespace, String name, PoolGrantSpec... grants) {
        VmPool pool = new VmPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pool.setSpec(new VmPoolSpec("PT4H", false, List.of(grants)));
        return root.resources(VmPool.class).inNamespace(namespace).resource(pool).create();
    }
}
