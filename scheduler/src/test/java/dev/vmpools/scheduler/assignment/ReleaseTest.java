package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.P;
import static dev.vmpools.scheduler.assignment.World.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.permission.Grant;
import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.api.permission.Permission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Giving VMs back (DESIGN §4.1, §4.3, §2.3): fenced releases and the lifecycle reasons. */
class ReleaseTest {

    @Test
    void deletingAnAssignmentReleasesItsVmAtOnceThenRemovesTheFinalizer() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofMinutes(5)).delete("alice-1");

        Plan plan = world.plan();
        assertThat(plan.actions()).extracting(a -> a.getClass().getSimpleName()).containsExactly(
                "WriteLease", "ClearAssignment", "WriteRequestStatus", "EmitEvent", "RemoveFinalizer",
                "WritePoolStatus");
        assertThat(plan.requests().get("alice-1").reason()).hasValueSatisfying(r -> assertThat(r.reason())
                .isEqualTo("Released"));
        world.step();
        assertThat(world.conflicts).isZero();
        assertThat(world.plan().settled()).as("one round of writes").isTrue();

        assertThat(world.requests).doesNotContainKey("alice-1");
        LeaseState lease = world.lease("vm-0");
        assertThat(lease.holderIdentity()).isEmpty();
        assertThat(lease.renewTime()).isEqualTo(world.now);
        assertThat(lease.leaseTransitions()).isZero();
        assertThat(world.vms.get("vm-0").record()).contains(java.util.Map.of());
        assertThat(world.pools.get(P).status.free()).isEqualTo(1);
    }

    @Test
    void deletingARequestThatNeverGotAVmOnlyRemovesTheFinalizer() {
        World world = new World().pool(P, "PT1H").ask("alice-1", "alice").settle();
        world.delete("alice-1");

        assertThat(world.plan().actions()).filteredOn(a -> !(a instanceof Action.WritePoolStatus))
                .singleElement().isInstanceOf(Action.RemoveFinalizer.class);
    }

    @Test
    void deletingAnOldExpiredRequestAfterSomeoneElseTookItsVmLeavesTheirHoldUntouched() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofHours(1)).ask("bob-1", "bob").settle();
        assertThat(world.vmOf("bob-1")).isEqualTo("vm-0");
        LeaseState bobs = world.lease("vm-0");

        world.delete("alice-1");
        assertThat(world.plan().actions()).filteredOn(a -> !(a instanceof Action.WritePoolStatus))
                .singleElement().isInstanceOf(Action.RemoveFinalizer.class);
        world.settle();

        assertThat(world.requests).doesNotContainKey("alice-1");
        assertThat(world.lease("vm-0")).isEqualTo(bobs);
        assertThat(world.vms.get("vm-0").assignment().map(a -> a.user())).contains("bob");
        world.assertConsistent();
    }

    @Test
    void deletingAnExpiredRequestWhoseVmNobodyTookReleasesIt() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofHours(2)).settle().delete("alice-1").settle();

        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.vms.get("vm-0").assignment()).isEmpty();
    }

    @Test
    void aReleaseIsFencedByTheRecordedTokenToo() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        LeaseState lease = world.lease("vm-0");
        world.lease("vm-0", lease.holderIdentity(), P, "alice", lease.renewTime(), 3600, 7);
        world.delete("alice-1");

        assertThat(world.plan().actions()).filteredOn(a -> !(a instanceof Action.WritePoolStatus))
                .singleElement().isInstanceOf(Action.RemoveFinalizer.class);
    }

    @Test
    void aReleasePlannedOnStaleStateFailsAtTheLease() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofHours(2)).settle().delete("alice-1");
        Plan stale = world.plan();
        world.ask("alice-2", "alice");
        // Meanwhile alice's new request takes her VM back.
        World.Request deleting = world.requests.remove("alice-1");
        world.settle();
        world.requests.put("alice-1", deleting);
        LeaseState alice2 = world.lease("vm-0");

        world.perform(stale);

        assertThat(world.lease("vm-0")).isEqualTo(alice2);
        assertThat(world.vms.get("vm-0").assignment().map(a -> a.user())).contains("alice");
        world.settle();
        assertThat(world.vmOf("alice-2")).isEqualTo("vm-0");
        world.assertConsistent();
    }

    @Test
    void aVmDeletedUnderAnAssignmentIsReplacedAtOnceAndTheEventNamesTheLostVm() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").settle();

        world.deleteVm("vm-0").settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-1");
        assertThat(world.events).last().satisfies(e -> assertThat(e.message()).isEqualTo(
                "VM vm-1 of pool test-vms assigned to alice (VM vm-0 was deleted)"));
        world.assertConsistent();
    }

    @Test
    void aRequestThatLostItsVmAndFindsNoOtherWaitsAsVmGoneNamingIt() {
        World world = new World().pool(P, "PT1H").pool("other", "PT1H").vm("vm-0", P).ask("alice-1", "alice")
                .settle();

        world.setPools("vm-0", "other").settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("VmGone");
        assertThat(world.messageOf("alice-1")).isEqualTo(
                "VM vm-0 left pool test-vms; 0 of 1 VM free: 1 not in pool any more");
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.vms.get("vm-0").assignment()).as("the gap upstream leaves is closed").isEmpty();
        assertThat(world.plan().settled()).isTrue();

        world.vm("vm-1", P).settle();
        assertThat(world.vmOf("alice-1")).isEqualTo("vm-1");
    }

    @Test
    void aVmDeletedAndCreatedAgainBeforeItsLeaseWasCollectedIsAssignedAfresh() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        int transitions = world.lease("vm-0").leaseTransitions();

        world.replaceVm("vm-0", P).settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-0");
        assertThat(world.lease("vm-0").ownerUid()).isEqualTo("uid-vm-0-new");
        assertThat(world.lease("vm-0").leaseTransitions()).isEqualTo(transitions + 1);
        assertThat(world.events).filteredOn(e -> e.message().contains("deleted and created again")).hasSize(1);
        world.assertConsistent();
    }

    @Test
    void vmOperatorAssigningTheVmBetweenLeaseAndCommitWinsAndTheLeaseIsGivenBack() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice");
        Plan plan = world.plan();
        world.crashAfter(1);
        world.vmOperatorAssigns("vm-0", P, "bob", T0);

        world.perform(plan).settle();

        assertThat(world.vms.get("vm-0").assignment().map(a -> a.user())).contains("bob");
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.vmOf("alice-1")).isEqualTo("vm-1");
        world.assertConsistent();
    }

    @Test
    void anUnexpiredRecordWrittenConcurrentlyIsNeverOverwritten() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice");
        Plan plan = world.plan();
        world.vmOperatorAssigns("vm-0", P, "bob", T0);

        world.perform(plan).settle();

        assertThat(world.vms.get("vm-0").assignment().map(a -> a.user())).contains("bob");
        assertThat(world.reasonOf("alice-1")).isEqualTo("Waiting");
        assertThat(world.messageOf("alice-1")).isEqualTo("0 of 1 VM free: 1 held");
    }

    @Test
    void deletingThePoolEndsItsAssignmentsWithPoolNotFoundAndReleasesTheirVms() {
        World world = new World().pool(P, "PT1H").vms(2, P).ask("alice-1", "alice").ask("bob-1", "bob").settle();
        world.ask("carol-1", "carol").settle();

        world.deletePool(P).advance(PlannerSettings.DEFAULT_POOL_NOT_FOUND_GRACE).settle();

        assertThat(world.requests.values()).extracting(World.Request::reason).containsOnly("PoolNotFound");
        assertThat(world.messageOf("alice-1")).isEqualTo("pool test-vms does not exist; VM vm-0 is released");
        assertThat(world.messageOf("carol-1")).isEqualTo("pool test-vms does not exist");
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.lease("vm-1").holderIdentity()).isEmpty();
        assertThat(world.vms.get("vm-0").assignment()).isEmpty();
        assertThat(world.events).filteredOn(e -> e.reason().equals("PoolNotFound")).hasSize(3)
                .allSatisfy(e -> assertThat(e.warning()).isTrue());
    }

    @Test
    void anEndedAssignmentWhoseConsoleIsConnectedIsReleasedAtTheDisconnect() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.connect("vm-0", "alice").settle();

        world.deletePool(P).advance(Duration.ofMinutes(1)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("PoolNotFound");
        assertThat(world.messageOf("alice-1")).endsWith("is released when alice's console disconnects");
        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("alice-1/uid-alice-1");

        world.advance(Duration.ofMinutes(30)).settle();
        assertThat(world.lease("vm-0").holderIdentity()).isEqualTo("alice-1/uid-alice-1");

        world.disconnect("vm-0").settle();
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
        assertThat(world.vms.get("vm-0").assignment()).isEmpty();
        assertThat(world.reasonOf("alice-1")).isEqualTo("PoolNotFound");
    }

    @Test
    void removingEveryGrantThatAdmittedARequestRevokesItAndReleasesItsVm() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P);
        world.pools.get(P).grants = new ArrayList<>(List.of(Grant.toUser("alice", Set.of(Permission.ACCESS_CONSOLE)),
                Grant.toRole("user", Set.of(Permission.ACCESS_CONSOLE))));
        world.request("alice-1", P, "alice").grantedBy = GrantedBy.parse("user:alice,role:user").orElseThrow();
        world.settle();

        world.pools.get(P).grants = new ArrayList<>(List.of(Grant.toRole("user", Set.of())));
        world.settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("PermissionRevoked");
        assertThat(world.messageOf("alice-1")).startsWith("none of the grants that admitted this request"
                + " (user:alice,role:user) grants anything in pool test-vms any more");
        assertThat(world.lease("vm-0").holderIdentity()).isEmpty();
    }

    static Stream<Arguments> neverRevoked() {
        return Stream.of(Arguments.of("admin:root"), Arguments.of("delegate:system:serviceaccount:gitops:deployer"),
                Arguments.of("bypass"), Arguments.of("role:gone,admin:root"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void neverRevoked(String grantedBy) {
        World world = new World().pool(P, "PT1H").vm("vm-0", P);
        world.pools.get(P).grants = new ArrayList<>();
        world.request("alice-1", P, "alice").grantedBy = GrantedBy.parse(grantedBy).orElseThrow();

        world.settle();

        assertThat(world.vmOf("alice-1")).isEqualTo("vm-0");
    }

    @Test
    void aRequestThatBypassedTheWebhookGetsFinalizerLabelsAndFullNamesBeforeItsVm() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P);
        World.Request request = world.request("bypass-1", P, "Alice Example");
        request.finalizers = new ArrayList<>();
        request.labels.clear();

        List<Action> chain = world.plan().chains().getFirst().actions();

        assertThat(chain.getFirst()).isInstanceOfSatisfying(Action.UpdateRequestMetadata.class, update -> {
            assertThat(update.finalizers()).containsExactly(MetadataKeys.FINALIZER);
            assertThat(update.labels()).containsEntry(MetadataKeys.POOL_LABEL, P)
                    .containsKey(MetadataKeys.USER_LABEL);
            assertThat(update.labels().get(MetadataKeys.USER_LABEL)).startsWith("Alice-Example-");
            assertThat(update.annotations()).containsExactly(java.util.Map.entry(MetadataKeys.USER_ANNOTATION,
                    "Alice Example"));
        });
        assertThat(chain.get(1)).isInstanceOf(Action.WriteLease.class);
        world.settle();
        assertThat(world.request("bypass-1").finalizers).containsExactly(MetadataKeys.FINALIZER);
        assertThat(world.vmOf("bypass-1")).isEqualTo("vm-0");
    }

    @Test
    void aRequestWithoutUserWaitsWithAReason() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P);
        world.request("nobody", P, null);

        world.settle();

        assertThat(world.reasonOf("nobody")).isEqualTo("Waiting");
        assertThat(world.messageOf("nobody")).startsWith("spec.user is empty");
    }
}
