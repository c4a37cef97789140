package dev.vmpools.api.manifests;

import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import java.nio.file.Path;

/** The repository's manifests, installed on the test control plane the way an operator would. */
final class Manifests {
    static final Path DIR = Binaries.repositoryRoot().resolve("manifests");

    private Manifests() {
    }

    static String dir(String relative) {
        return DIR.resolve(relative).toString();
    }

    /** Installs our three CRDs for real (server-side apply is idempotent) and waits until they are served. */
    static void installCrds(ControlPlane cp) {
        for (String crd : new String[] {"crds/vmpool", "crds/vmassignment", "crds/vms-minimal"}) {
            cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-k", dir(crd));
        }
        cp.kubectl(TestUser.ROOT, "wait", "--for=condition=Established", "--timeout=60s",
                "crd/vmpools.vmoperator.jdrupes.org", "crd/vmassignments.vmpools.dev", "crd/vms.vmoperator.jdrupes.org");
    }

    /** The namespace, ServiceAccounts and RBAC of the overlays, applied for real (no webhooks, no workloads). */
    static void installSystemAndRbac(ControlPlane cp) {
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-k", dir("system"));
        cp.kubectl(TestUser.ROOT, "apply", "--server-side", "--force-conflicts", "-k", dir("rbac"));
    }
}
