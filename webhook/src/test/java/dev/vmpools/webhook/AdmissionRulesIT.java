package dev.vmpools.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmPool;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.ControlPlaneExtension;
import dev.vmpools.controlplane.TestNamespace;
import dev.vmpools.controlplane.TestUser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission rules end to end: requests of the test users go through the real API server (RBAC, CEL,
 * schema, the real webhook configurations with their matchConditions) to the webhook in this JVM.
 * No scheduler runs: VmAssignments keep their finalizer, VMs get {@code status.assignment} from root.
 */
@ExtendWith(ControlPlaneExtension.class)
class AdmissionRulesIT {

    private static final ResourceDefinitionContext VMS = new ResourceDefinitionContext.Builder()
            .withGroup("vmoperator.jdrupes.org").withVersion("v1").withKind("VirtualMachine").withPlural("vms").withNamespaced(true).build();

    private static RunningWebhook webhook;
    private static ControlPlane cp;
    private static String ns;
    /** A second namespace, deleted by one test. */
    private static String doomed;
    @TempDir
    static Path files;

    @BeforeAll
    static void start(ControlPlane controlPlane, TestNamespace namespace) throws Exception {
        cp = controlPlane;
        ns = namespace.name();
        doomed = ns + "-doomed";
        root().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(doomed).endMetadata().build()).create();
        webhook = RunningWebhook.start(cp, List.of(ns, doomed), Map.of("delegates", "gitops/deployer=" + ns));

        createPool(TestUser.ADMIN, ns, "test-vms", grant("admin", null, "*"), grant(null, "user", "accessConsole", "start"));
        createPool(TestUser.ADMIN, ns, "second-vms", grant("bob", null, "start"), grant(null, "user", "accessConsole"));
        createPool(TestUser.ADMIN, ns, "console-vms", grant(null, "user", "accessConsole"));
        createPool(TestUser.ADMIN, doomed, "test-vms", grant(null, "user", "accessConsole"));
    }

    @AfterAll
    static void stop() {
        if (webhook != null) {
            webhook.close();
        }
        KubernetesClient root = root();
        // Without a scheduler nobody releases: remove the finalizers so that the namespaces can go.
        for (String namespace : List.of(ns, doomed)) {
            for (VmAssignment assignment : root.resources(VmAssignment.class).inNamespace(namespace).list().getItems()) {
                removeFinalizers(namespace, assignment.getMetadata().getName());
            }
        }
        root.namespaces().withName(doomed).delete();
    }

    @Test
    void isReadyWithSyncedCachesAndCountsRequestsByKind() {
        var ready = webhook.get("/health/ready");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"caches\":\"UP\"").contains("\"tls\":\"UP\"");
        assertThat(webhook.metrics()).contains("vmpools_admission_requests_total{decision=\"denied\",kind=\"VmAssignment\",operation=\"CREATE\"}");
    }

    // VmAssignment CREATE

    @Test
    void aliceRequestsAVmWithoutNamingHerselfAndIsFilledIn() {
        VmAssignment created = alice().resources(VmAssignment.class).inNamespace(ns).resource(assignment("alice-test-vms", "test-vms", null)).create();

        assertThat(created.getSpec().user()).isEqualTo("alice");
        assertThat(created.getMetadata().getLabels())
                .containsEntry(MetadataKeys.POOL_LABEL, "test-vms").containsEntry(MetadataKeys.USER_LABEL, "alice");
        assertThat(created.getMetadata().getFinalizers()).containsExactly(MetadataKeys.FINALIZER);
        assertThat(created.getMetadata().getAnnotations()).containsEntry(MetadataKeys.GRANTED_BY_ANNOTATION, "role:user");
    }

    @Test
    void carolWithoutAGrantIsForbiddenNamingThePoolAndHer() {
        assertDenied(() -> as(TestUser.CAROL).resources(VmAssignment.class).inNamespace(ns).resource(assignment("carol-test-vms", "test-vms", null)).create(),
                403, "NoPoolPermission", "spec.pool", "user carol may not use VmPool test-vms");
    }

    @Test
    void aliceMayNotRequestForBob() {
        assertDenied(() -> alice().resources(VmAssignment.class).inNamespace(ns).resource(assignment("alice-for-bob", "test-vms", "bob")).create(),
                403, "RequestForOtherUser", "spec.user", "alice may request VMs only for themselves, but spec.user is bob");
    }

    @Test
    void anAdminRequestsForBobWithAWarningThatNoGrantNamesHim() throws Exception {
        Path file = write("admin-for-bob.yaml", """
                apiVersion: vmpools.dev/v1alpha1
                kind: VmAssignment
                metadata: {name: bob-test-vms, namespace: %s}
                spec: {pool: test-vms, user: bob}
                """.formatted(ns));

        ControlPlane.Kubectl result = cp.kubectlResult(TestUser.ADMIN, "create", "-f", file.toString());

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stderr()).contains("Warning: no grant of VmPool test-vms names user bob");
        assertThat(grantedBy("bob-test-vms")).isEqualTo("admin:admin");
    }

    @Test
    void theDelegateRequestsForBob() {
        VmAssignment created = as(TestUser.DELEGATE).resources(VmAssignment.class).inNamespace(ns)
                .resource(assignment("bob-second-vms", "second-vms", "bob")).create();

        assertThat(created.getSpec().user()).isEqualTo("bob");
        assertThat(created.getMetadata().getAnnotations())
                .containsEntry(MetadataKeys.GRANTED_BY_ANNOTATION, "delegate:system:serviceaccount:gitops:deployer");
    }

    @Test
    void rootNeverReachesTheWebhook() {
        long before = webhook.requests("VmAssignment");

        VmAssignment created = root().resources(VmAssignment.class).inNamespace(ns).resource(assignment("dave-by-root", "test-vms", "dave")).create();
        root().resources(VmAssignment.class).inNamespace(ns).withName("dave-by-root").delete();

        assertThat(webhook.requests("VmAssignment")).isEqualTo(before);
        assertThat(created.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(created.getMetadata().getFinalizers()).isNullOrEmpty();
    }

    @Test
    void aSecondActiveRequestOfTheSamePoolAndUserIsDeniedNamingTheFirst() {
        KubernetesClient dave = as(TestUser.DAVE);
        dave.resources(VmAssignment.class).inNamespace(ns).resource(assignment("dave-first", "second-vms", null)).create();
        // The informer sees the first request a moment later; a dry run stores nothing while we wait.
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> denialReason(() ->
                dave.resources(VmAssignment.class).inNamespace(ns).resource(assignment("dave-second", "second-vms", null)).dryRun().create())
                .equals("DuplicateAssignment"));

        assertDenied(() -> dave.resources(VmAssignment.class).inNamespace(ns).resource(assignment("dave-second", "second-vms", null)).create(),
                403, "DuplicateAssignment", "spec.pool", "already has an active VmAssignment for VmPool second-vms: dave-first");
    }

    @Test
    void aPoolAndARequestForItAppliedTogetherAreBothAdmitted() throws Exception {
        long poolsBefore = webhook.requests("VmPool");
        Path file = write("pool-and-request.yaml", """
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: applied-vms, namespace: %1$s}
                spec:
                  retention: PT4H
                  permissions:
                  - user: admin
                    may: [start]
                ---
                apiVersion: vmpools.dev/v1alpha1
                kind: VmAssignment
                metadata: {name: admin-applied-vms, namespace: %1$s}
                spec: {pool: applied-vms}
                """.formatted(ns));

        String out = cp.kubectl(TestUser.ADMIN, "apply", "-f", file.toString());

        assertThat(out).contains("vmpool.vmoperator.jdrupes.org/applied-vms created")
                .contains("vmassignment.vmpools.dev/admin-applied-vms created");
        assertThat(grantedBy("admin-applied-vms")).isEqualTo("user:admin");
        assertThat(webhook.requests("VmPool")).isEqualTo(poolsBefore + 1);
    }

    @Test
    void aDryRunIsAdmittedAndStoresNothing() {
        VmAssignment answer = alice().resources(VmAssignment.class).inNamespace(ns).resource(assignment("alice-dry-run", "second-vms", null))
                .dryRun().create();

        assertThat(answer.getSpec().user()).isEqualTo("alice");
        assertThat(answer.getMetadata().getAnnotations()).containsEntry(MetadataKeys.GRANTED_BY_ANNOTATION, "role:user");
        assertThat(root().resources(VmAssignment.class).inNamespace(ns).withName("alice-dry-run").get()).isNull();
    }

    // VmAssignment UPDATE and DELETE

    @Test
    void theSpecCannotBeChanged() {
        createAsRoot("frozen", "test-vms", "carol");

        // The CRD's CEL rule answers before any validating webhook is asked.
        assertThatThrownBy(() -> as(TestUser.ADMIN).resources(VmAssignment.class).inNamespace(ns).withName("frozen")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/pool\",\"value\":\"second-vms\"}]"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec is immutable");
                });
    }

    @Test
    void aPoolAdministratorOutsideTheAdminGroupsMayNotRemoveTheFinalizer() {
        as(TestUser.ADMIN).resources(VmAssignment.class).inNamespace(ns).resource(assignment("guarded", "console-vms", "carol")).create();

        assertDenied(() -> as(TestUser.DAVE).resources(VmAssignment.class).inNamespace(ns).withName("guarded")
                        .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]"),
                403, "ProtectedMetadata", "metadata.finalizers[vmpools.dev/release]", "only administrators may change");
        assertThat(as(TestUser.DAVE).resources(VmAssignment.class).inNamespace(ns).withName("guarded")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"add\",\"path\":\"/metadata/labels/team\",\"value\":\"a\"}]")
                .getMetadata().getLabels()).containsEntry("team", "a");
    }

    @Test
    void aliceMayNotDeleteBobsRequest() {
        as(TestUser.DELEGATE).resources(VmAssignment.class).inNamespace(ns).resource(assignment("bob-console-vms", "console-vms", "bob")).create();

        assertDenied(() -> alice().resources(VmAssignment.class).inNamespace(ns).withName("bob-console-vms").delete(),
                403, "NotAssignee", "spec.user", "alice may not delete VmAssignment bob-console-vms: its spec.user is bob");
        as(TestUser.BOB).resources(VmAssignment.class).inNamespace(ns).withName("bob-console-vms").delete();
        assertThat(root().resources(VmAssignment.class).inNamespace(ns).withName("bob-console-vms").get().getMetadata().getDeletionTimestamp())
                .isNotNull();
    }

    @Test
    void theSchedulerRemovesTheFinalizerWithoutAskingTheWebhook() {
        as(TestUser.ADMIN).resources(VmAssignment.class).inNamespace(ns).resource(assignment("carol-second-vms", "second-vms", "carol")).create();
        as(TestUser.ADMIN).resources(VmAssignment.class).inNamespace(ns).withName("carol-second-vms").delete();
        long before = webhook.requests("VmAssignment");

        as(TestUser.SCHEDULER).resources(VmAssignment.class).inNamespace(ns).withName("carol-second-vms")
                .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");

        assertThat(webhook.requests("VmAssignment")).isEqualTo(before);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> root().resources(VmAssignment.class).inNamespace(ns).withName("carol-second-vms").get() == null);
    }

    /**
     * Run without a scheduler: the namespace controller (kept away from the webhook by matchConditions) deletes
     * everything it can, and the VmAssignment waits for its finalizer; once root removes it, the namespace goes.
     */
    @Test
    void deletingANamespaceProceedsAsFarAsTheFinalizerAllows() {
        alice().resources(VmAssignment.class).inNamespace(doomed).resource(assignment("alice-test-vms", "test-vms", null)).create();

        root().namespaces().withName(doomed).delete();

        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(root().resources(VmPool.class).inNamespace(doomed).withName("test-vms").get()).isNull();
            VmAssignment waiting = root().resources(VmAssignment.class).inNamespace(doomed).withName("alice-test-vms").get();
            assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();
            assertThat(waiting.getMetadata().getFinalizers()).containsExactly(MetadataKeys.FINALIZER);
        });
        removeFinalizers(doomed, "alice-test-vms");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> root().namespaces().withName(doomed).get() == null);
    }

    // VmPool

    @Test
    void invalidPoolsAreDeniedNamingTheField() {
        // Both user and role, and an unknown permission: the API server's schema (VM-Operator's oneOf and enum) answers;
        // for oneOf it names the field in its message only (the cause's field is "<nil>").
        assertThatThrownBy(() -> createPool(TestUser.ADMIN, ns, "both", new PoolGrantSpec("alice", "user", List.of("start"))))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getMessage()).contains("spec.permissions[0]");
                });
        assertDenied(() -> createPool(TestUser.ADMIN, ns, "unknown-permission", grant(null, "user", "fly")),
                422, "Invalid", "spec.permissions[0].may[0]", "Unsupported value: \"fly\"");
        // What the schema admits but VM-Operator's manager could not read, or a grant that can never match: the webhook.
        long before = webhook.requests("VmPool");
        assertDenied(() -> createPool(TestUser.ADMIN, ns, "bad-retention", "P", grant(null, "user", "start")),
                422, "RetentionEmpty", "spec.retention", "spec.retention \"P\" is a duration without any amount");
        assertDenied(() -> createPool(TestUser.ADMIN, ns, "weekly", "P1W", grant(null, "user", "start")),
                422, "RetentionCalendarUnit", "spec.retention", "use \"P7D\" instead");
        assertDenied(() -> createPool(TestUser.ADMIN, ns, "nameless", "PT1H", grant("", null, "start")),
                422, "GrantNameEmpty", "spec.permissions[0].user", "spec.permissions[0].user is empty");
        assertThat(webhook.requests("VmPool")).isEqualTo(before + 3);
    }

    // vms

    @Test
    void aliceStartsHerAssignedVmWhenHerPoolGrantsStart() {
        createVm("alice-vm", "test-vms", "alice", "test-vms");

        GenericKubernetesResource started = setState(TestUser.ALICE, "alice-vm", "Running");

        assertThat(started.get("spec", "vm", "state").toString()).isEqualTo("Running");
    }

    @Test
    void aliceMayNotStartAVmFromAPoolWithoutStart() {
        createVm("alice-console-vm", "console-vms", "alice", "console-vms");

        assertDenied(() -> setState(TestUser.ALICE, "alice-console-vm", "Running"),
                403, "PoolPermissionMissing", "spec.vm.state", "alice may not start VM alice-console-vm");
    }

    @Test
    void aliceMayNotStartBobsVm() {
        createVm("bob-vm", "test-vms", "bob", "test-vms");

        assertDenied(() -> setState(TestUser.ALICE, "bob-vm", "Running"),
                403, "VmNotAssignedToRequester", "spec.vm.state", "VM bob-vm is assigned to bob, not to alice");
    }

    @Test
    void aliceMayChangeNothingButTheState() {
        createVm("alice-other-vm", "test-vms", "alice", "test-vms");

        assertDenied(() -> as(TestUser.ALICE).genericKubernetesResources(VMS).inNamespace(ns).withName("alice-other-vm")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"vm\":{\"maximumCpus\":8}}}"),
                403, "OnlyStateMayChange", "spec.vm.maximumCpus", "alice may change only spec.vm.state of VM alice-other-vm");
    }

    @Test
    void aKubectlApplyChangingOnlyTheStateAndTheLastAppliedAnnotationIsAdmitted() throws Exception {
        String manifest = """
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VirtualMachine
                metadata: {name: alice-applied-vm, namespace: %s}
                spec:
                  pools: [test-vms]
                  vm: {state: %s, maximumCpus: 2, maximumRam: 4G}
                """;
        cp.kubectl(TestUser.ROOT, "apply", "-f", write("vm-stopped.yaml", manifest.formatted(ns, "Stopped")).toString());
        assign("alice-applied-vm", "test-vms", "alice");

        String out = cp.kubectl(TestUser.ALICE, "apply", "-f", write("vm-running.yaml", manifest.formatted(ns, "Running")).toString());

        assertThat(out).contains("virtualmachine.vmoperator.jdrupes.org/alice-applied-vm configured");
        GenericKubernetesResource vm = root().genericKubernetesResources(VMS).inNamespace(ns).withName("alice-applied-vm").get();
        assertThat(vm.get("spec", "vm", "state").toString()).isEqualTo("Running");
        assertThat(vm.getMetadata().getAnnotations().get("kubectl.kubernetes.io/last-applied-configuration")).contains("Running");
    }

    @Test
    void aliceMayChangeNothingOnAnUnpooledVm() {
        createVm("loose-vm", null, "alice", "test-vms");

        assertDenied(() -> setState(TestUser.ALICE, "loose-vm", "Running"),
                403, "VmNotPooled", "spec.pools", "VM loose-vm belongs to no pool");
    }

    @Test
    void anAdminMayChangeAnything() {
        createVm("admin-vm", "console-vms", "alice", "console-vms");

        GenericKubernetesResource changed = as(TestUser.ADMIN).genericKubernetesResources(VMS).inNamespace(ns).withName("admin-vm")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"vm\":{\"state\":\"Running\",\"maximumCpus\":8}}}");

        assertThat(changed.get("spec", "vm", "maximumCpus").toString()).isEqualTo("8");
    }

    @Test
    void vmOperatorsServiceAccountNeverReachesTheWebhook() {
        createVm("operated-vm", null, "alice", "test-vms");
        long before = webhook.requests("VirtualMachine");

        as(TestUser.VM_OPERATOR).genericKubernetesResources(VMS).inNamespace(ns).withName("operated-vm")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"vm\":{\"state\":\"Running\",\"maximumCpus\":4}}}");

        assertThat(webhook.requests("VirtualMachine")).isEqualTo(before);
    }

    @Test
    void statusSubresourcesAreLeftToRbac() {
        createVm("status-vm", "test-vms", "bob", "test-vms");
        long before = webhook.requests("VirtualMachine") + webhook.requests("VmAssignment");

        ControlPlane.Kubectl vm = cp.kubectlResult(TestUser.ALICE, "patch", "vms", "status-vm", "-n", ns, "--subresource=status",
                "--type=merge", "-p", "{\"status\":{\"assignment\":{\"pool\":\"test-vms\",\"user\":\"alice\"}}}");
        ControlPlane.Kubectl assignment = cp.kubectlResult(TestUser.ALICE, "patch", "vmassignments", "alice-test-vms", "-n", ns,
                "--subresource=status", "--type=merge", "-p", "{\"status\":{\"vm\":\"status-vm\"}}");

        assertThat(vm.exitCode()).isNotZero();
        // kubectl reads the subresource before patching it: RBAC refuses either.
        assertThat(vm.stderr()).containsPattern("cannot (get|patch) resource \"vms/status\"");
        assertThat(assignment.exitCode()).isNotZero();
        assertThat(assignment.stderr()).containsPattern("cannot (get|patch) resource \"vmassignments/status\"");
        assertThat(webhook.requests("VirtualMachine") + webhook.requests("VmAssignment")).isEqualTo(before);
    }

    // helpers

    private static KubernetesClient root() {
        return cp.client(TestUser.ROOT);
    }

    private static KubernetesClient alice() {
        return cp.client(TestUser.ALICE);
    }

    private static KubernetesClient as(TestUser user) {
        return cp.client(user);
    }

    private static VmAssignment assignment(String name, String pool, String user) {
        VmAssignment assignment = new VmAssignment();
        assignment.setMetadata(new ObjectMetaBuilder().withName(name).build());
        assignment.setSpec(new VmAssignmentSpec(pool, user));
        return assignment;
    }

    private static void createAsRoot(String name, String pool, String user) {
        root().resources(VmAssignment.class).inNamespace(ns).resource(assignment(name, pool, user)).create();
    }

    private static String grantedBy(String name) {
        return root().resources(VmAssignment.class).inNamespace(ns).withName(name).get()
                .getMetadata().getAnnotations().get(MetadataKeys.GRANTED_BY_ANNOTATION);
    }

    private static void removeFinalizers(String namespace, String name) {
        try {
            root().resources(VmAssignment.class).inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private static PoolGrantSpec grant(String user, String role, String... may) {
        return new PoolGrantSpec(user, role, List.of(may));
    }

    private static VmPool createPool(TestUser user, String namespace, String name, PoolGrantSpec... grants) {
        return createPool(user, namespace, name, "PT4H", grants);
    }

    private static VmPool createPool(TestUser user, String namespace, String name, String retention, PoolGrantSpec... grants) {
        VmPool pool = new VmPool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pool.setSpec(new VmPoolSpec(retention, false, List.of(grants)));
        return cp.client(user).resources(VmPool.class).inNamespace(namespace).resource(pool).create();
    }

    /** A VM created by root (VMs are VM-Operator's), assigned from {@code assignedFrom} to {@code user} as the scheduler would. */
    private static void createVm(String name, String pool, String user, String assignedFrom) {
        GenericKubernetesResource vm = new GenericKubernetesResource();
        vm.setApiVersion("vmoperator.jdrupes.org/v1");
        vm.setKind("VirtualMachine");
        vm.setMetadata(new ObjectMetaBuilder().withName(name).build());
        vm.setAdditionalProperty("spec", Map.of("pools", pool == null ? List.of() : List.of(pool),
                "vm", Map.of("state", "Stopped", "maximumCpus", 2, "maximumRam", "4G")));
        root().genericKubernetesResources(VMS).inNamespace(ns).resource(vm).create();
        assign(name, assignedFrom, user);
    }

    private static void assign(String vm, String pool, String user) {
        cp.kubectl(TestUser.ROOT, "patch", "vms", vm, "-n", ns, "--subresource=status", "--type=merge",
                "-p", "{\"status\":{\"assignment\":{\"pool\":\"" + pool + "\",\"user\":\"" + user + "\",\"lastUsed\":\"2026-11-24T08:00:00.000Z\"}}}");
    }

    private static GenericKubernetesResource setState(TestUser user, String vm, String state) {
        return as(user).genericKubernetesResources(VMS).inNamespace(ns).withName(vm)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"vm\":{\"state\":\"" + state + "\"}}}");
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(files.resolve(name), content);
    }

    private static String denialReason(ThrowingCallable call) {
        try {
            call.call();
            return "admitted";
        } catch (KubernetesClientException e) {
            return e.getStatus() == null ? "code " + e.getCode() : String.valueOf(e.getStatus().getReason());
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static void assertDenied(ThrowingCallable call, int code, String reason, String field, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getStatus().getReason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.getStatus().getMessage()).contains(message);
            assertThat(e.getStatus().getDetails().getCauses()).extracting(StatusCause::getField).contains(field);
        });
    }
}
