package dev.vmpools.scheduler.cluster;

import static dev.vmpools.scheduler.cluster.InMemoryCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.assignment.Snapshot;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupIndexTest {
    private static final GroupNode A = GroupNode.pool(NS, "a");
    private static final GroupNode B = GroupNode.pool(NS, "b");
    private static final GroupNode VM1 = GroupNode.vm(NS, "vm-1");
    private static final GroupNode VM2 = GroupNode.vm(NS, "vm-2");

    private final GroupIndex index = new GroupIndex();

    @Test
    void theNodesOfOneChangeJoinOneComponentAndComponentsMergeThroughASharedNode() {
        index.link(List.of(VM1, A));
        index.link(List.of(VM2, B));
        assertThat(index.component(A).nodes()).containsExactlyInAnyOrder(A, VM1);

        index.link(List.of(VM2, A));

        assertThat(index.component(B).nodes()).containsExactlyInAnyOrder(A, B, VM1, VM2);
        assertThat(index.component(VM1).nodes()).isEqualTo(index.component(B).nodes());
    }

    @Test
    void aNodeNoChangeNamedStandsAlone() {
        assertThat(index.component(A).nodes()).containsExactly(A);
    }

    @Test
    void aSplitReplacesTheComponentByThePartsAndForgetsNodesInNone() {
        index.link(List.of(VM1, A, B));
        index.link(List.of(VM2, B));
        GroupIndex.Component read = index.component(A);

        index.split(read, List.of(Set.of(A, VM1), Set.of(B)));

        assertThat(index.component(A).nodes()).containsExactlyInAnyOrder(A, VM1);
        assertThat(index.component(B).nodes()).containsExactly(B);
        assertThat(index.size()).isEqualTo(3);
    }

    @Test
    void aSplitIsIgnoredWhenALinkChangedSinceTheComponentWasRead() {
        index.link(List.of(VM1, A, B));
        GroupIndex.Component read = index.component(A);
        index.link(List.of(VM2, B));

        index.split(read, List.of(Set.of(A, VM1), Set.of(B)));

        assertThat(index.component(A).nodes()).containsExactlyInAnyOrder(A, B, VM1, VM2);
    }

    @Test
    void aSplitLeavesNodesOutsideTheComponentWhereTheyAre() {
        index.link(List.of(VM1, A));
        index.link(List.of(VM2, B));
        GroupIndex.Component read = index.component(A);

        index.split(read, List.of(Set.of(A, VM1, B)));

        assertThat(index.component(B).nodes()).containsExactlyInAnyOrder(B, VM2);
        assertThat(index.component(A).nodes()).containsExactlyInAnyOrder(A, VM1);
    }

    @Test
    void aGroupReadFromAComponentThatHoldsTwoGroupsNamesTheParts() {
        InMemoryCluster cluster = new InMemoryCluster();
        cluster.addPool("a", "PT1H");
        cluster.addPool("b", "PT1H");
        cluster.addVm("vm-1", "a");
        cluster.addVm("vm-2", "b");
        index.link(List.of(VM1, A));
        index.link(List.of(VM2, B, A)); // vm-2 listed pool a once, and no longer does
        PlanningGroup group = PlanningGroup.of(new IndexedView(cluster, index), A);
        List<Snapshot> snapshots = group.snapshots(RetentionMode.COMPATIBLE);

        Optional<List<Set<GroupNode>>> parts = group.parts(snapshots);

        assertThat(snapshots).hasSize(2);
        assertThat(parts).hasValueSatisfying(p -> assertThat(p).containsExactlyInAnyOrder(Set.of(A, VM1),
                Set.of(B, VM2)));
        index.split(group.component(), parts.orElseThrow());
        assertThat(PlanningGroup.of(new IndexedView(cluster, index), A).nodes()).containsExactlyInAnyOrder(A, VM1);
    }

    @Test
    void aGroupReadFromAnExactComponentNeedsNoSplit() {
        InMemoryCluster cluster = new InMemoryCluster();
        cluster.addPool("a", "PT1H");
        cluster.addVm("vm-1", "a");
        cluster.addRequest("alice-a", "a", "alice");
        index.link(List.of(VM1, A));
        PlanningGroup group = PlanningGroup.of(new IndexedView(cluster, index), A);

        assertThat(group.parts(group.snapshots(RetentionMode.COMPATIBLE))).isEmpty();
    }

    /** The in-memory cluster with its groups from an index, as the informer caches give them. */
    private record IndexedView(InMemoryCluster cluster, GroupIndex index) implements ClusterView {
        @Override
        public GroupIndex.Component component(GroupNode node) {
            return index.component(node);
        }

        @Override
        public Optional<dev.vmpools.api.VmPool> pool(String namespace, String name) {
            return cluster.pool(namespace, name);
        }

        @Override
        public Optional<dev.vmpools.api.VirtualMachine> vm(String namespace, String name) {
            return cluster.vm(namespace, name);
        }

        @Override
        public Optional<io.fabric8.kubernetes.api.model.coordination.v1.Lease> lease(String namespace, String name) {
            return cluster.lease(namespace, name);
        }

        @Override
        public Optional<dev.vmpools.api.VmAssignment> request(String namespace, String name) {
            return cluster.request(namespace, name);
        }

        @Override
        public List<dev.vmpools.api.VirtualMachine> vmsLinkedTo(String namespace, String pool) {
            return cluster.vmsLinkedTo(namespace, pool);
        }

        @Override
        public List<io.fabric8.kubernetes.api.model.coordination.v1.Lease> leasesNaming(String namespace,
                String pool) {
            return cluster.leasesNaming(namespace, pool);
        }

        @Override
        public List<dev.vmpools.api.VmAssignment> requestsFor(String namespace, String pool) {
            return cluster.requestsFor(namespace, pool);
        }

        @Override
        public List<dev.vmpools.api.VmAssignment> requestsNaming(String namespace, String vm) {
            return cluster.requestsNaming(namespace, vm);
        }
    }
}
