package dev.vmpools.scheduler;

import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * vmpools installed on the test control plane the way an operator installs it: our CRDs, the system namespace
 * and the manifests' RBAC, and pool namespaces made so with {@code manifests/pool-namespace}. Schedulers run in
 * the test JVM as the scheduler's service account, so every test proves the least-privilege RBAC by use.
 */
final class TestCluster {
    static final Path MANIFESTS = Binaries.repositoryRoot().resolve("manifests");
    /** VM-Operator's full CRDs, reference data outside the repository (absent on some machines). */
    static final Path REFERENCE = Binaries.repositoryRoot().resolve("../shared/reference").normalize();

    private TestCluster() {
    }

    static String manifest(String relative) {
        return MANIFESTS.resolve(relative).toString();
    }

    /** Our three CRDs (the minimal vms one), the system namespace and the RBAC; idempotent. */
    static void install(ControlPlane cp) {
        for (String crd : new String[] {"crds/vmpool", "crds/vmassignment", "crds/vms-minimal"}) {
            cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-k", manifest(crd));
        }
        cp.kubectl(TestUser.ROOT, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/vmpools.vmoperator.jdrupes.org", "crd/vmassignments.vmpools.dev", "crd/vms.vmoperator.jdrupes.org");
        installSystemAndRbac(cp);
    }

    static void installSystemAndRbac(ControlPlane cp) {
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-k", manifest("system"));
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-k", manifest("rbac"));
    }

    /** Makes {@code namespace} a pool namespace as documented, and lets group {@code user} use its pools. */
    static void makePoolNamespace(ControlPlane cp, String namespace) {
        cp.kubectl(TestUser.ROOT, "apply", "-k", manifest("pool-namespace"), "-n", namespace);
        RoleBinding users = new RoleBindingBuilder().withNewMetadata().withName("vmpools-users")
                .withNamespace(namespace).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName("vmpools-user").endRoleRef()
                .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("Group").withName("user").endSubject()
                .build();
        cp.client(TestUser.ROOT).rbac().roleBindings().inNamespace(namespace).resource(users).serverSideApply();
    }

    /** A scheduler for these namespaces, without leader election, health on a free port. */
    static Scheduler startScheduler(KubernetesClient client, String namespaces, Map<String, String> options) {
        Map<String, String> given = new HashMap<>(Map.of("pool-namespaces", namespaces, "leader-election", "false",
                "metrics-port", "0"));
        given.putAll(options);
        try {
            return Scheduler.start(SchedulerConfig.from(given), client, InstantSource.system());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
