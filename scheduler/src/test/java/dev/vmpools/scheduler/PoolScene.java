package dev.vmpools.scheduler;

import static org.awaitility.Awaitility.await;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.names.LeaseNames;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objects of one test namespace, created and read the way their owners do: pools and VMs by root (an
 * administrator; VMs in VM-Operator's full shape, most of it unmodelled), requests by the users themselves.
 * No webhook runs in these tests, so requests arrive without finalizer and labels, which the scheduler adds.
 */
final class PoolScene {
    static final Duration PATIENCE = Duration.ofSeconds(20);
    /** The grants of every pool unless a test says otherwise: group {@code user} may use the console and start. */
    static final List<PoolGrantSpec> USERS = List.of(new PoolGrantSpec(null, "user", List.of("accessConsole", "start")));

    private static final String VM = """
            apiVersion: vmoperator.jdrupes.org/v1
            kind: VirtualMachine
            metadata: {name: %s}
            spec:
              pools: %s
              image: {source: "https://images.example.org/debian-13.qcow2"}
              vm:
                state: Stopped
                maximumCpus: 4
                currentRam: 4Gi
                networks: [{tap: {mac: "00:16:3e:33:58:10"}}]
                display: {spice: {port: 5910}, loggedInUser: ""}
            """;

    final ControlPlane cp;
    final String namespace;
    final KubernetesClient root;

    PoolScene(ControlPlane cp, String namespace) {
        this.cp = cp;
        this.namespace = namespace;
        this.root = cp.client(TestUser.ROOT);
    }

    // ---------------------------------------------------------------- making things

    void pool(String name, String retention) {
        pool(name, retention, USERS);
    }

    void pool(String name, String retention, List<PoolGrantSpec> grants) {
        VmPool pool = new VmPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        pool.setSpec(new VmPoolSpec(retention, false, grants));
        root.resources(VmPool.class).inNamespace(namespace).resource(pool).create();
    }

    void setGrants(String pool, List<PoolGrantSpec> grants) {
        root.resources(VmPool.class).inNamespace(namespace).withName(pool)
                .edit(p -> {
                    p.setSpec(new VmPoolSpec(p.getSpec().retention(), p.getSpec().loginOnAssignment(), grants));
                    return p;
                });
    }

    void vm(String name, String... pools) {
        vms().resource(vmResource(name, pools)).create();
    }

    /** A VM as an administrator writes it: VM-Operator's fields beside {@code spec.pools}, stopped. */
    static GenericKubernetesResource vmResource(String name, String... pools) {
        return Serialization.unmarshal(VM.formatted(name, Serialization.asJson(List.of(pools))),
                GenericKubernetesResource.class);
    }

    /** Changes {@code spec.pools} as an administrator does (a merge patch of that field alone). */
    void setPools(String vm, String... pools) {
        vms().withName(vm).patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                Serialization.asJson(Map.of("spec", Map.of("pools", List.of(pools)))));
    }

    /** {@code user} asks for a VM of {@code pool}, admitted by the grant of role {@code user}. */
    VmAssignment ask(TestUser user, String request, String pool) {
        return ask(user, request, pool, "role:user");
    }

    VmAssignment ask(TestUser user, String request, String pool, String grantedBy) {
        VmAssignment assignment = new VmAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(request).withNamespace(namespace)
                .withAnnotations(Map.of(MetadataKeys.GRANTED_BY_ANNOTATION, grantedBy)).build());
        assignment.setSpec(new VmAssignmentSpec(pool, user.userName()));
        return cp.client(user).resources(VmAssignment.class).inNamespace(namespace).resource(assignment).create();
    }

    void delete(TestUser user, String request) {
        cp.client(user).resources(VmAssignment.class).inNamespace(namespace).withName(request).delete();
    }

    // ---------------------------------------------------------------- reading

    VmAssignment request(String name) {
        return requests().withName(name).get();
    }

    Optional<Condition> assigned(String request) {
        VmAssignment r = request(request);
        if (r == null || r.getStatus() == null || r.getStatus().conditions() == null) {
            return Optional.empty();
        }
        return r.getStatus().conditions().stream().filter(c -> ConditionTypes.ASSIGNED.equals(c.getType())).findFirst();
    }

    String reason(String request) {
        return assigned(request).map(Condition::getReason).orElse(null);
    }

    /** Waits until the request's {@code Assigned} condition has this reason; returns the request. */
    VmAssignment awaitReason(String request, String reason) {
        await().atMost(PATIENCE).untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(reason(request))
                .as("reason of %s (%s)", request, assigned(request).map(Condition::getMessage).orElse("no status"))
                .isEqualTo(reason));
        return request(request);
    }

    /** Waits until the request is Assigned; returns the VM. */
    String awaitAssigned(String request) {
        return awaitReason(request, "Assigned").getStatus().vm();
    }

    Lease lease(String vm) {
        return root.leases().inNamespace(namespace).withName(LeaseNames.forVm(vm)).get();
    }

    VirtualMachine vmObject(String name) {
        return root.resources(VirtualMachine.class).inNamespace(namespace).withName(name).get();
    }

    Optional<PoolAssignment> record(String vm) {
        return vmObject(vm).assignment();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> rawVm(String name) {
        return vms().withName(name).get().getAdditionalProperties();
    }

    /** Events (events.k8s.io) about an object, oldest first. */
    List<Event> events(String regarding) {
        return root.events().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> e.getRegarding() != null && regarding.equals(e.getRegarding().getName()))
                .sorted(java.util.Comparator.comparing(e -> e.getEventTime().getTime()))
                .toList();
    }

    List<String> eventReasons(String regarding) {
        return events(regarding).stream().map(Event::getReason).toList();
    }

    Resource<GenericKubernetesResource> vmResource(String name) {
        return vms().withName(name);
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<VmAssignment, ?, Resource<VmAssignment>> requests() {
        return root.resources(VmAssignment.class).inNamespace(namespace);
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource, ?,
            Resource<GenericKubernetesResource>> vms() {
        return root.genericKubernetesResources(VirtualMachine.GROUP + "/" + VirtualMachine.VERSION, VirtualMachine.KIND)
                .inNamespace(namespace);
    }
}
