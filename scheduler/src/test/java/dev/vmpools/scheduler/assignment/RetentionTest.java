package dev.vmpools.scheduler.assignment;

import static dev.vmpools.scheduler.assignment.World.P;
import static dev.vmpools.scheduler.assignment.World.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.PoolAssignment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Retention and expiry (DESIGN §4.3): from the last use, never while connected, exactly at the instant. */
class RetentionTest {

    private static final Duration NANO = Duration.ofNanos(1);

    static Stream<Arguments> boundaries() {
        Instant jan31 = Instant.parse("2025-01-31T10:00:00Z");
        return Stream.of(
                Arguments.of("PT1H", T0, Instant.parse("2025-03-01T11:00:00Z")),
                Arguments.of("PT30S", T0, Instant.parse("2025-03-01T10:00:30Z")),
                Arguments.of("P1DT12H", T0, Instant.parse("2025-03-02T22:00:00Z")),
                Arguments.of("P1W", T0, Instant.parse("2025-03-08T10:00:00Z")),
                Arguments.of("P1M", jan31, Instant.parse("2025-02-28T10:00:00Z")),
                Arguments.of("P1Y", Instant.parse("2024-02-29T10:00:00Z"), Instant.parse("2025-02-28T10:00:00Z")),
                Arguments.of("2025-03-01T12:00:00Z", T0, Instant.parse("2025-03-01T12:00:00Z")),
                Arguments.of("2025-03-01T13:00:00+02:00", T0, Instant.parse("2025-03-01T11:00:00Z")));
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource
    void boundaries(String retention, Instant assignedAt, Instant expiresAt) {
        World world = new World().pool(P, retention).vm("vm-0", P).at(assignedAt).ask("alice-1", "alice").settle();
        assertThat(world.request("alice-1").status.expiresAt()).isEqualTo(expiresAt);
        assertThat(world.plan().wakeAt()).contains(expiresAt);

        world.at(expiresAt.minus(NANO)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Assigned");

        world.at(expiresAt).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
        assertThat(world.request("alice-1").status.expiresAt()).isEqualTo(expiresAt);

        world.at(expiresAt.plus(NANO)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
    }

    @Test
    void usesAreRecordedToTheMillisecondSoThatLeaseRecordAndStatusAgree() {
        Instant assignedAt = T0.plusNanos(1_500_123);
        World world = new World().pool(P, "PT1H").vm("vm-0", P).at(assignedAt).ask("alice-1", "alice").settle();

        Instant use = T0.plusMillis(1);
        assertThat(world.request("alice-1").status.assignedAt()).isEqualTo(use);
        assertThat(world.lease("vm-0").renewTime()).isEqualTo(use);
        assertThat(world.vms.get("vm-0").assignment().map(PoolAssignment::lastUsed)).contains(use);

        world.at(use.plus(Duration.ofHours(1)).minus(NANO)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Assigned");
        world.at(use.plus(Duration.ofHours(1))).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
    }

    @Test
    void nothingExpiresWhileTheAssigneesConsoleIsConnectedAndRetentionCountsFromTheDisconnect() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofMinutes(10)).connect("vm-0", "alice").settle();

        assertThat(world.lease("vm-0").leaseDurationSeconds()).isEqualTo(Integer.MAX_VALUE);
        assertThat(world.lease("vm-0").renewTime()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(world.request("alice-1").status.expiresAt()).isNull();
        assertThat(world.plan().wakeAt()).isEmpty();

        world.advance(Duration.ofHours(5)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Assigned");

        Instant disconnect = world.now;
        world.disconnect("vm-0").settle();
        Instant expiresAt = disconnect.plus(Duration.ofHours(1));
        assertThat(world.lease("vm-0").renewTime()).isEqualTo(disconnect);
        assertThat(world.lease("vm-0").leaseDurationSeconds()).isEqualTo(3600);
        assertThat(world.vms.get("vm-0").assignment().map(PoolAssignment::lastUsed)).contains(disconnect);
        assertThat(world.request("alice-1").status.lastUsed()).isEqualTo(disconnect);
        assertThat(world.request("alice-1").status.expiresAt()).isEqualTo(expiresAt);

        world.at(expiresAt.minus(NANO)).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Assigned");
        world.at(expiresAt).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
    }

    @Test
    void anotherUsersConsoleDoesNotKeepTheAssignmentAlive() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.connect("vm-0", "admin").advance(Duration.ofHours(1)).settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
    }

    @Test
    void anAbsoluteRetentionPassingWhileConnectedEndsTheAssignmentAtTheDisconnect() {
        Instant end = T0.plus(Duration.ofHours(2));
        World world = new World().pool(P, end.toString()).vm("vm-0", P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofHours(1)).connect("vm-0", "alice").settle();

        world.at(end.plus(Duration.ofHours(1))).settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Assigned");

        world.disconnect("vm-0").settle();
        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
        assertThat(world.request("alice-1").status.expiresAt()).isEqualTo(end.plus(Duration.ofHours(1)));
    }

    @Test
    void theLeaseOfAnAbsoluteRetentionLastsTheSecondsUpToTheInstantRoundedUp() {
        Instant end = T0.plus(Duration.ofMinutes(90)).plusMillis(1);
        World world = new World().pool(P, end.toString()).vm("vm-0", P).ask("alice-1", "alice").settle();

        assertThat(world.lease("vm-0").leaseDurationSeconds()).isEqualTo(90 * 60 + 1);
    }

    static Stream<Arguments> absoluteRetentionBeforeAssignment() {
        Instant end = T0.plus(Duration.ofHours(2));
        return Stream.of(Arguments.of(end.minus(NANO), "Assigned"), Arguments.of(end, "RetentionEnded"),
                Arguments.of(end.plus(NANO), "RetentionEnded"));
    }

    @ParameterizedTest(name = "asked at {0}: {1}")
    @MethodSource
    void absoluteRetentionBeforeAssignment(Instant askedAt, String reason) {
        World world = new World().pool(P, T0.plus(Duration.ofHours(2)).toString()).vm("vm-0", P).at(askedAt)
                .ask("alice-1", "alice").settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo(reason);
    }

    @Test
    void aWaitingRequestEndsWhenTheAbsoluteRetentionPasses() {
        Instant end = T0.plus(Duration.ofHours(2));
        World world = new World().pool(P, end.toString()).vm("vm-0", P).ask("alice-1", "alice")
                .advance(Duration.ofMinutes(1)).ask("bob-1", "bob").settle();
        assertThat(world.reasonOf("bob-1")).isEqualTo("Waiting");
        world.connect("vm-0", "alice").settle();
        assertThat(world.plan().wakeAt()).contains(end);

        world.at(end).settle();

        assertThat(world.reasonOf("bob-1")).isEqualTo("RetentionEnded");
        assertThat(world.reasonOf("alice-1")).isEqualTo("Assigned");
    }

    @Test
    void onExpiryLeaseAndRecordStayAndTheNextWaitingRequestTakesTheVmOver() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofMinutes(30)).ask("bob-1", "bob").settle();
        assertThat(world.reasonOf("bob-1")).isEqualTo("Waiting");
        assertThat(world.plan().wakeAt()).contains(T0.plus(Duration.ofHours(1)));

        world.at(T0.plus(Duration.ofHours(1)));
        Plan atExpiry = world.plan();
        List<Action> chain = atExpiry.chains().stream().filter(c -> c.subject().equals("vm/vm-0")).findFirst()
                .orElseThrow().actions();
        assertThat(chain).first().isInstanceOfSatisfying(Action.WriteRequestStatus.class,
                w -> assertThat(w.request()).isEqualTo("alice-1"));
        assertThat(chain).filteredOn(Action.WriteLease.class::isInstance).singleElement()
                .isInstanceOfSatisfying(Action.WriteLease.class, w -> {
                    assertThat(w.change()).isEqualTo(Action.LeaseChange.TAKE);
                    assertThat(w.record().holderIdentity()).isEqualTo("bob-1/uid-bob-1");
                    assertThat(w.record().leaseTransitions()).isEqualTo(1);
                });
        world.settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
        assertThat(world.request("alice-1").status.vm()).isEqualTo("vm-0");
        assertThat(world.vmOf("bob-1")).isEqualTo("vm-0");
        assertThat(world.events).extracting(Action.EmitEvent::reason).containsSubsequence("Assigned", "Waiting",
                "Expired", "Assigned");
        world.assertConsistent();
    }

    @Test
    void anExpiryWithNobodyWaitingLeavesLeaseAndRecordAsTheyAre() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        LeaseState before = world.lease("vm-0");

        world.advance(Duration.ofHours(1)).settle();

        assertThat(world.reasonOf("alice-1")).isEqualTo("Expired");
        assertThat(world.lease("vm-0")).isEqualTo(before);
        assertThat(world.lease("vm-0").heldAt(world.now)).isFalse();
        assertThat(world.vms.get("vm-0").assignment().map(a -> a.user())).contains("alice");
        assertThat(world.vms.get("vm-0").desiredState()).contains("Running");
    }

    @Test
    void stopAfterExpiryStopsAVmNobodyTakesOver() {
        World world = new World(new PlannerSettings(true, PlannerSettings.DEFAULT_POOL_NOT_FOUND_GRACE)).pool(P, "PT1H")
                .vms(2, P).ask("alice-1", "alice").settle();
        world.advance(Duration.ofMinutes(1)).ask("bob-1", "bob").settle();
        world.advance(Duration.ofMinutes(1)).ask("carol-1", "carol").settle();

        world.at(T0.plus(Duration.ofHours(1))).settle();
        assertThat(world.vms.get("vm-0").desiredState()).as("taken over by carol").contains("Running");
        assertThat(world.vmOf("carol-1")).isEqualTo("vm-0");

        world.at(T0.plus(Duration.ofMinutes(61))).settle();
        assertThat(world.reasonOf("bob-1")).isEqualTo("Expired");
        assertThat(world.vms.get("vm-1").desiredState()).contains("Stopped");
    }

    @Test
    void aDisconnectIsRecordedOnceAsTheLastUse() {
        World world = new World().pool(P, "PT1H").vm("vm-0", P).ask("alice-1", "alice").settle();
        world.connect("vm-0", "alice").settle().advance(Duration.ofMinutes(3)).disconnect("vm-0");

        Plan plan = world.plan();
        assertThat(plan.actions()).filteredOn(Action.RecordLastUse.class::isInstance).hasSize(1);
        world.settle();
        assertThat(world.plan().settled()).isTrue();
    }
}
