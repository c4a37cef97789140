package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Planning groups are the connected components of pools and VMs (DESIGN §4.2). */
class PlanningGroupsTest {

    @Test
    void poolsThatShareAVmFormOneGroupAndOthersTheirOwn() {
        World world = new World().pool("a", "PT1H").pool("b", "PT1H").pool("c", "PT1H").pool("d", "PT1H")
                .vm("vm-1", "a").vm("vm-2", "a", "b").vm("vm-3", "b").vm("vm-4", "c");
        world.request("alice-a", "a", "alice");
        world.request("alice-c", "c", "alice");
        world.request("alice-e", "e", "alice");

        PlanningGroups groups = world.groups();

        assertThat(groups.groups()).extracting(Snapshot::key).containsExactly("a", "c", "d", "e");
        Snapshot ab = groups.ofPool("b").orElseThrow();
        assertThat(ab.pools()).extracting(PoolState::name).containsExactlyInAnyOrder("a", "b");
        assertThat(ab.vms()).extracting(VmState::name).containsExactlyInAnyOrder("vm-1", "vm-2", "vm-3");
        assertThat(ab.requests()).extracting(RequestState::name).containsExactly("alice-a");
        assertThat(groups.ofVm("vm-4")).map(Snapshot::key).contains("c");
        assertThat(groups.ofRequest("alice-e").orElseThrow().pools()).as("a pool only named by a request").isEmpty();
        assertThat(groups.ofPool("zzz")).isEmpty();
    }

    @Test
    void aVmIsPlannedWithThePoolItsRecordOrLeaseStillNames() {
        World world = new World().pool("a", "PT1H").pool("b", "PT1H").vm("vm-1", "b").vm("vm-2", "a");
        world.vmOperatorAssigns("vm-1", "a", "bob", T0);

        assertThat(world.groups().groups()).hasSize(1);

        World leased = new World().pool("a", "PT1H").pool("b", "PT1H").vm("vm-1", "b").vm("vm-2", "a")
                .lease("vm-1", "x/uid-x", "a", "bob", T0, 60, 1);
        assertThat(leased.groups().groups()).hasSize(1);
    }

    @Test
    void aRequestIsPlannedWithTheVmItsStatusNames() {
        World world = new World().pool("a", "PT1H").pool("b", "PT1H").vm("vm-1", "a").vm("vm-2", "b");
        world.request("alice-1", "a", "alice");
        world.settle();
        world.setPools("vm-1", "b");
        world.leases.clear();
        world.vms.get("vm-1").doc.remove("status");

        assertThat(world.groups().groups()).hasSize(1);
    }

    @Test
    void aNamespaceWithNothingHasNoGroups() {
        assertThat(PlanningGroups.of(List.of(), List.of(), List.of()).groups()).isEmpty();
    }
}
