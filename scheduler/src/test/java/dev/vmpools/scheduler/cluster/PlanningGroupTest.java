package dev.vmpools.scheduler.cluster;

import static dev.vmpools.scheduler.cluster.InMemoryCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.assignment.PoolState;
import dev.vmpools.scheduler.assignment.RequestState;
import dev.vmpools.scheduler.assignment.Snapshot;
import dev.vmpools.scheduler.assignment.VmState;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanningGroupTest {
    private final InMemoryCluster cluster = new InMemoryCluster();

    @Test
    void aGroupIsThePoolsThatShareVmsWithTheirVmsAndRequestsAndNothingElse() {
        cluster.addPool("a", "PT1H");
        cluster.addPool("b", "PT1H");
        cluster.addPool("c", "PT1H");
        cluster.addVm("shared", "a", "b");
        cluster.addVm("a-only", "a");
        cluster.addVm("c-only", "c");
        cluster.addRequest("alice-b", "b", "alice");
        cluster.addRequest("bob-c", "c", "bob");

        PlanningGroup group = PlanningGroup.of(cluster, GroupNode.pool(NS, "a"));

        assertThat(group.nodes()).containsExactlyInAnyOrder(GroupNode.pool(NS, "a"), GroupNode.pool(NS, "b"),
                GroupNode.vm(NS, "shared"), GroupNode.vm(NS, "a-only"));
        assertThat(group.representative()).isEqualTo(GroupNode.pool(NS, "a"));
        Snapshot snapshot = single(group);
        assertThat(snapshot.pools()).extracting(PoolState::name).containsExactlyInAnyOrder("a", "b");
        assertThat(snapshot.vms()).extracting(VmState::name).containsExactlyInAnyOrder("shared", "a-only");
        assertThat(snapshot.requests()).extracting(RequestState::name).containsExactly("alice-b");
    }

    @Test
    void aVmLinksToThePoolOfItsRecordAndOfItsLeaseEvenAfterLeavingThem() {
        cluster.addPool("old", "PT1H");
        cluster.addPool("new", "PT1H");
        cluster.addVm("moved", "new");
        cluster.record("moved", "old", "alice");
        cluster.addVm("left", "new");
        cluster.addPool("third", "PT1H");
        cluster.addLease("left", "third", "bob");

        PlanningGroup group = PlanningGroup.of(cluster, GroupNode.vm(NS, "moved"));

        assertThat(group.nodes()).contains(GroupNode.pool(NS, "old"), GroupNode.pool(NS, "new"),
                GroupNode.pool(NS, "third"), GroupNode.vm(NS, "left"));
        assertThat(group.leases()).containsOnlyKeys("vmpool.left");
        assertThat(single(group).vms()).filteredOn(v -> v.name().equals("left"))
                .singleElement().satisfies(v -> assertThat(v.lease()).isPresent());
    }

    @Test
    void aRequestStillLinksItsPoolToTheVmItsStatusNamesAfterTheVmIsDeleted() {
        cluster.addPool("a", "PT1H");
        cluster.addPool("b", "PT1H");
        cluster.addVm("gone", "a", "b");
        cluster.addRequest("alice-a", "a", "alice");
        cluster.statusNames("alice-a", "gone");
        cluster.addRequest("bob-b", "b", "bob");
        cluster.statusNames("bob-b", "gone");
        cluster.deleteVm("gone");

        PlanningGroup group = PlanningGroup.of(cluster, GroupNode.vm(NS, "gone"));

        assertThat(group.nodes()).contains(GroupNode.pool(NS, "a"), GroupNode.pool(NS, "b"));
        assertThat(group.vms()).isEmpty();
        assertThat(single(group).requests()).extracting(RequestState::name)
                .containsExactlyInAnyOrder("alice-a", "bob-b");
    }

    @Test
    void knowsTheVersionOfEveryObjectItReadAndTheKeysOfItsVmsLeases() {
        cluster.addPool("a", "PT1H");
        var vm = cluster.addVm("vm-1", "a");
        cluster.addRequest("alice-a", "a", "alice");

        PlanningGroup group = PlanningGroup.of(cluster, GroupNode.pool(NS, "a"));

        assertThat(group.objectKeys()).contains(new ObjectKey(ObjectKey.Kind.LEASE, NS, "vmpool.vm-1"),
                new ObjectKey(ObjectKey.Kind.REQUEST, NS, "alice-a"));
        assertThat(group.versionOf(new ObjectKey(ObjectKey.Kind.VM, NS, "vm-1")))
                .contains(vm.getMetadata().getResourceVersion());
        assertThat(group.versionOf(new ObjectKey(ObjectKey.Kind.LEASE, NS, "vmpool.vm-1"))).isEmpty();
    }

    @Test
    void aPoolNobodyMentionsIsAnEmptyGroup() {
        PlanningGroup group = PlanningGroup.of(cluster, GroupNode.pool(NS, "nowhere"));

        assertThat(group.isEmpty()).isTrue();
        assertThat(group.snapshots(RetentionMode.COMPATIBLE)).isEmpty();
    }

    @Test
    void aVmIsReadAgainOnlyOnceItOrItsLeaseChangedAndForgottenOnceDeleted() {
        cluster.addPool("a", "PT1H");
        cluster.addVm("vm-1", "a");
        cluster.addVm("vm-2", "a");
        VmStates memo = new VmStates();
        VmState first = vmOf(PlanningGroup.of(cluster, GroupNode.pool(NS, "a")), memo, "vm-1");

        assertThat(vmOf(PlanningGroup.of(cluster, GroupNode.pool(NS, "a")), memo, "vm-1")).isSameAs(first);
        cluster.addLease("vm-1", "a", "alice");
        VmState leased = vmOf(PlanningGroup.of(cluster, GroupNode.pool(NS, "a")), memo, "vm-1");
        assertThat(leased.lease()).isPresent();
        cluster.record("vm-1", "a", "alice");
        assertThat(vmOf(PlanningGroup.of(cluster, GroupNode.pool(NS, "a")), memo, "vm-1").assignment())
                .isPresent();

        cluster.deleteVm("vm-2");
        PlanningGroup.of(cluster, GroupNode.vm(NS, "vm-2")).snapshots(RetentionMode.COMPATIBLE, memo);
        assertThat(memo.size()).isEqualTo(1);
    }

    @Test
    void poolsLinkedOnlyThroughARecordAreStillOneSnapshotWithTheFirstPoolAsKey() {
        cluster.addPool("b", "PT1H");
        cluster.addPool("a", "PT1H");
        cluster.addVm("vm-1", "b");
        cluster.record("vm-1", "a", "alice");

        Snapshot snapshot = single(PlanningGroup.of(cluster, GroupNode.pool(NS, "b")));

        assertThat(snapshot.key()).isEqualTo("a");
        assertThat(snapshot.pools()).extracting(PoolState::name).containsExactlyInAnyOrder("a", "b");
    }

    private static VmState vmOf(PlanningGroup group, VmStates memo, String vm) {
        return group.snapshots(RetentionMode.COMPATIBLE, memo).getFirst().vms().stream()
                .filter(v -> v.name().equals(vm)).findFirst().orElseThrow();
    }

    private static Snapshot single(PlanningGroup group) {
        List<Snapshot> snapshots = group.snapshots(RetentionMode.COMPATIBLE);
        assertThat(snapshots).hasSize(1);
        return snapshots.getFirst();
    }
}
