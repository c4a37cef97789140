package dev.vmpools.api.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RBAC of the manifests on the real authorizer (SubjectAccessReviews): every verb a component
 * needs is granted to its account, and the obvious broader ones are not. The test namespace is made
 * a pool namespace the documented way ({@code kubectl apply -k manifests/pool-namespace -n NS}).
 */
@ExtendWith(ControlPlaneExtension.class)
class RbacIT {
    private static final String POOL_NS = "$pool";
    private static final String SYSTEM = "vmpools-system";
    private static String poolNamespace;

    @BeforeAll
    static void install(ControlPlane cp, TestNamespace ns) {
        poolNamespace = ns.name();
        Manifests.installCrds(cp);
        Manifests.installSystemAndRbac(cp);
        cp.kubectl(TestUser.ROOT, "apply", "-k", Manifests.dir("pool-namespace"), "-n", ns.name());
        cp.kubectl(TestUser.ROOT, "create", "rolebinding", "vmpools-users", "-n", ns.name(),
                "--clusterrole=vmpools-user", "--group=user");
    }

    /** (user, verb, group, resource, subresource, namespace, name, allowed). */
    static Stream<Arguments> accessTable() {
        List<Arguments> rows = new ArrayList<>();
        // The scheduler, in a pool namespace.
        for (String verb : List.of("get", "list", "watch")) {
            rows.add(row(TestUser.SCHEDULER, verb, "vmoperator.jdrupes.org", "vmpools", "", POOL_NS, "", true));
            rows.add(row(TestUser.SCHEDULER, verb, "vmoperator.jdrupes.org", "vms", "", POOL_NS, "", true));
            rows.add(row(TestUser.SCHEDULER, verb, "vmpools.dev", "vmassignments", "", POOL_NS, "", true));
            rows.add(row(TestUser.SCHEDULER, verb, "coordination.k8s.io", "leases", "", POOL_NS, "", true));
        }
        rows.add(row(TestUser.SCHEDULER, "patch", "vmoperator.jdrupes.org", "vmpools", "status", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "patch", "vmoperator.jdrupes.org", "vms", "", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "patch", "vmoperator.jdrupes.org", "vms", "status", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "update", "vmpools.dev", "vmassignments", "", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "patch", "vmpools.dev", "vmassignments", "status", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "create", "coordination.k8s.io", "leases", "", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "update", "coordination.k8s.io", "leases", "", POOL_NS, "vmpool.vm-1", true));
        rows.add(row(TestUser.SCHEDULER, "delete", "vmpools.dev", "vmassignments", "", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "patch", "rbac.authorization.k8s.io", "rolebindings", "", POOL_NS, "vmpools-scheduler", true));
        rows.add(row(TestUser.SCHEDULER, "patch", "rbac.authorization.k8s.io", "rolebindings", "", POOL_NS, "vmpools-users", false));
        rows.add(row(TestUser.SCHEDULER, "delete", "rbac.authorization.k8s.io", "rolebindings", "", POOL_NS, "vmpools-scheduler", false));
        rows.add(row(TestUser.SCHEDULER, "create", "", "events", "", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "create", "events.k8s.io", "events", "", POOL_NS, "", true));
        rows.add(row(TestUser.SCHEDULER, "create", "coordination.k8s.io", "leases", "", SYSTEM, "", true));
        rows.add(row(TestUser.SCHEDULER, "get", "coordination.k8s.io", "leases", "", SYSTEM, "vmpools-scheduler", true));
        rows.add(row(TestUser.SCHEDULER, "update", "coordination.k8s.io", "leases", "", SYSTEM, "vmpools-scheduler", true));
        // ... and nothing broader.
        rows.add(row(TestUser.SCHEDULER, "delete", "coordination.k8s.io", "leases", "", POOL_NS, "vmpool.vm-1", false));
        rows.add(row(TestUser.SCHEDULER, "update", "coordination.k8s.io", "leases", "", "default", "vmpool.vm-1", false));
        rows.add(row(TestUser.SCHEDULER, "create", "coordination.k8s.io", "leases", "", "default", "", false));
        rows.add(row(TestUser.SCHEDULER, "update", "coordination.k8s.io", "leases", "", SYSTEM, "vmpools-certs", false));
        rows.add(row(TestUser.SCHEDULER, "delete", "vmoperator.jdrupes.org", "vms", "", POOL_NS, "", false));
        rows.add(row(TestUser.SCHEDULER, "update", "vmoperator.jdrupes.org", "vms", "", POOL_NS, "", false));
        rows.add(row(TestUser.SCHEDULER, "patch", "vmoperator.jdrupes.org", "vmpools", "", POOL_NS, "", false));
        rows.add(row(TestUser.SCHEDULER, "get", "", "secrets", "", POOL_NS, "", false));
        rows.add(row(TestUser.SCHEDULER, "list", "vmpools.dev", "vmassignments", "", "default", "", false));
        // The webhook reads pools and assignments in pool namespaces, its serving Secret, nothing else.
        rows.add(row(TestUser.WEBHOOK, "list", "vmoperator.jdrupes.org", "vmpools", "", POOL_NS, "", true));
        rows.add(row(TestUser.WEBHOOK, "watch", "vmpools.dev", "vmassignments", "", POOL_NS, "", true));
        rows.add(row(TestUser.WEBHOOK, "get", "", "secrets", "", SYSTEM, "vmpools-webhook-tls", true));
        rows.add(row(TestUser.WEBHOOK, "create", "vmpools.dev", "vmassignments", "", POOL_NS, "", false));
        rows.add(row(TestUser.WEBHOOK, "patch", "vmoperator.jdrupes.org", "vms", "", POOL_NS, "", false));
        rows.add(row(TestUser.WEBHOOK, "get", "", "secrets", "", SYSTEM, "someone-elses", false));
        // The certificate component: unnamed create, everything else by name.
        rows.add(row(TestUser.CERTS, "create", "", "secrets", "", SYSTEM, "", true));
        rows.add(row(TestUser.CERTS, "update", "", "secrets", "", SYSTEM, "vmpools-webhook-ca", true));
        rows.add(row(TestUser.CERTS, "watch", "", "secrets", "", SYSTEM, "vmpools-webhook-tls", true));
        rows.add(row(TestUser.CERTS, "patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", "", "vmpools", true));
        rows.add(row(TestUser.CERTS, "patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", "vmpools", true));
        rows.add(row(TestUser.CERTS, "update", "coordination.k8s.io", "leases", "", SYSTEM, "vmpools-certs", true));
        rows.add(row(TestUser.CERTS, "create", "", "events", "", SYSTEM, "", true));
        rows.add(row(TestUser.CERTS, "get", "", "secrets", "", SYSTEM, "someone-elses", false));
        rows.add(row(TestUser.CERTS, "list", "", "secrets", "", SYSTEM, "", false));
        rows.add(row(TestUser.CERTS, "patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", "another", false));
        rows.add(row(TestUser.CERTS, "delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", "vmpools", false));
        rows.add(row(TestUser.CERTS, "create", "", "secrets", "", "default", "", false));
        // Pool users: their requests and their VMs' state, no status, no Leases.
        for (String verb : List.of("create", "get", "list", "watch", "delete")) {
            rows.add(row(TestUser.ALICE, verb, "vmpools.dev", "vmassignments", "", POOL_NS, "", true));
        }
        rows.add(row(TestUser.ALICE, "get", "vmoperator.jdrupes.org", "vmpools", "", POOL_NS, "", true));
        rows.add(row(TestUser.ALICE, "patch", "vmoperator.jdrupes.org", "vms", "", POOL_NS, "", true));
        rows.add(row(TestUser.ALICE, "update", "vmpools.dev", "vmassignments", "", POOL_NS, "", false));
        rows.add(row(TestUser.ALICE, "patch", "vmpools.dev", "vmassignments", "status", POOL_NS, "", false));
        rows.add(row(TestUser.ALICE, "update", "vmpools.dev", "vmassignments", "status", POOL_NS, "", false));
        rows.add(row(TestUser.ALICE, "patch", "vmoperator.jdrupes.org", "vms", "status", POOL_NS, "", false));
        rows.add(row(TestUser.ALICE, "create", "coordination.k8s.io", "leases", "", POOL_NS, "", false));
        rows.add(row(TestUser.ALICE, "update", "coordination.k8s.io", "leases", "", POOL_NS, "vmpool.vm-1", false));
        rows.add(row(TestUser.ALICE, "create", "vmoperator.jdrupes.org", "vmpools", "", POOL_NS, "", false));
        rows.add(row(TestUser.CAROL, "create", "vmpools.dev", "vmassignments", "", POOL_NS, "", false));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}/{3}/{4} in {5} {6}: {7}")
    @MethodSource("accessTable")
    void grantsWhatEachAccountNeedsAndNothingBroader(TestUser user, String verb, String group, String resource,
            String subresource, String namespace, String name, boolean allowed, ControlPlane cp) {
        SubjectAccessReview review = new SubjectAccessReviewBuilder().withNewSpec().withUser(user.userName())
                .withGroups(Stream.concat(user.groups().stream(), Stream.of("system:authenticated")).toList())
                .withNewResourceAttributes().withVerb(verb).withGroup(group).withResource(resource)
                .withSubresource(subresource).withNamespace(namespace.equals(POOL_NS) ? poolNamespace : namespace)
                .withName(name).endResourceAttributes().endSpec().build();

        // A new binding reaches the authorizer's cache shortly after it is created.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                cp.client(TestUser.ROOT).authorization().v1().subjectAccessReview().create(review).getStatus().getAllowed())
                .isEqualTo(allowed));
    }

    @Test
    void aliceCannotWriteStatusOfVmsOrAssignments(ControlPlane cp, TestNamespace ns) {
        Manifests.installCrds(cp);
        cp.client(TestUser.ROOT).genericKubernetesResources("vmoperator.jdrupes.org/v1", "VirtualMachine").inNamespace(ns.name())
                .resource(Serialization.unmarshal("""
                        apiVersion: vmoperator.jdrupes.org/v1
                        kind: VirtualMachine
                        metadata: {name: vm-1}
                        spec: {pools: [test-vms], vm: {state: Stopped}}
                        """, GenericKubernetesResource.class)).create();
        String takeIt = "[{\"op\":\"add\",\"path\":\"/status/assignment\",\"value\":{\"pool\":\"test-vms\",\"user\":\"alice\"}}]";

        assertThatThrownBy(() -> cp.client(TestUser.ALICE).genericKubernetesResources("vmoperator.jdrupes.org/v1", "VirtualMachine")
                .inNamespace(ns.name()).withName("vm-1").subresource("status").patch(PatchContext.of(PatchType.JSON), takeIt))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
        assertThatThrownBy(() -> cp.client(TestUser.ALICE).leases().inNamespace(ns.name())
                .resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder().withNewMetadata().withName("vmpool.vm-1")
                        .endMetadata().withNewSpec().withHolderIdentity("alice").endSpec().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    private static Arguments row(TestUser user, String verb, String group, String resource, String subresource,
            String namespace, String name, boolean allowed) {
        return Arguments.of(user, verb, group, resource, subresource, namespace, name, allowed);
    }
}
