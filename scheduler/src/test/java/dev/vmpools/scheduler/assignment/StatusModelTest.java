package dev.vmpools.scheduler.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmpools.api.VmAssignmentStatus;
import dev.vmpools.api.VmPoolStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner's records against the api model the edge reads and writes. */
class StatusModelTest {

    private static final Instant T = Instant.parse("2025-03-01T10:15:30.123Z");

    @Test
    void aRequestStatusSurvivesTheTripThroughTheModel() {
        RequestStatus status = new RequestStatus("vm-1", "vmpool.vm-1", 3, T, T, T.plusSeconds(3600), 2,
                new StatusCondition("Assigned", "True", "Assigned", "VM vm-1 is assigned", Instant.parse(
                        "2025-03-01T10:15:30Z"), 2),
                new StatusCondition("Ready", "False", "VmNotRunning", "VM vm-1 is not running", Instant.parse(
                        "2025-03-01T10:15:31Z"), 2));

        VmAssignmentStatus model = status.toModel();

        assertThat(model.conditions()).extracting(Condition::getLastTransitionTime)
                .containsExactly("2025-03-01T10:15:30Z", "2025-03-01T10:15:31Z");
        assertThat(RequestStatus.fromModel(model)).contains(status);
        assertThat(status.terminal()).isFalse();
    }

    @Test
    void aStatusWithoutAnAssignedConditionReadsAsNone() {
        assertThat(RequestStatus.fromModel(null)).isEmpty();
        assertThat(RequestStatus.fromModel(new VmAssignmentStatus(null, null, null, null, null, null, null,
                List.of(condition("Ready", "True", "VmRunning", "2025-03-01T10:00:00Z"))))).isEmpty();
    }

    static Stream<Arguments> unreadableConditions() {
        return Stream.of(Arguments.of(condition("Assigned", "True", null, "2025-03-01T10:00:00Z")),
                Arguments.of(condition("Assigned", "True", "", "2025-03-01T10:00:00Z")),
                Arguments.of(condition("Assigned", "True", "Assigned", "yesterday")),
                Arguments.of(condition("Assigned", null, "Assigned", "2025-03-01T10:00:00Z")));
    }

    @ParameterizedTest
    @MethodSource
    void unreadableConditions(Condition condition) {
        assertThat(StatusCondition.fromModel(condition)).isNull();
    }

    @Test
    void aMissingReadyConditionReadsAsUnknownSoThatItIsWritten() {
        RequestStatus read = RequestStatus.fromModel(new VmAssignmentStatus(null, null, null, null, null, null, 1L,
                List.of(condition("Assigned", "False", "Waiting", "2025-03-01T10:00:00Z")))).orElseThrow();

        assertThat(read.ready().status()).isEqualTo("Unknown");
        assertThat(read.reason()).hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo("Waiting"));
    }

    @Test
    void aPoolStatusSurvivesTheTripThroughTheModel() {
        PoolStatus status = new PoolStatus(12, 8, 1, 3, 4,
                new StatusCondition("HasVMs", "True", "VmsFound", "12 VMs list pool p", T.minusMillis(123), 4));

        VmPoolStatus model = status.toModel();

        assertThat(PoolStatus.fromModel(model)).contains(status);
        assertThat(PoolStatus.fromModel(new VmPoolStatus(1, null, 1, 0, 1L, List.of()))).isEmpty();
    }

    @Test
    void aTransitionTimeMovesOnlyWithTheStatus() {
        StatusCondition before = new StatusCondition("Assigned", "False", "Waiting", "0 of 1 VM free: 1 held",
                Instant.parse("2025-03-01T10:00:00Z"), 1);

        assertThat(StatusCondition.next("Assigned", "False", "VmGone", "other", 1, before, T).lastTransitionTime())
                .isEqualTo(before.lastTransitionTime());
        assertThat(StatusCondition.next("Assigned", "True", "Assigned", "m", 1, before, T).lastTransitionTime())
                .isEqualTo(Instant.parse("2025-03-01T10:15:30Z"));
    }

    static Stream<Arguments> leaseHeldAt() {
        Instant renew = Instant.parse("2025-03-01T10:00:00.500Z");
        Instant end = renew.plusSeconds(60);
        return Stream.of(Arguments.of(end.minusNanos(1), true), Arguments.of(end, false),
                Arguments.of(end.plusNanos(1), false));
    }

    @ParameterizedTest(name = "at {0}: {1}")
    @MethodSource
    void leaseHeldAt(Instant at, boolean held) {
        Instant renew = Instant.parse("2025-03-01T10:00:00.500Z");
        LeaseState lease = new LeaseState("1", "x/uid", renew, renew, 60, 0, "p", "u", "vm-uid");

        assertThat(lease.heldAt(at)).isEqualTo(held);
        assertThat(new LeaseState("1", "", renew, renew, 60, 0, "p", "u", "vm-uid").heldAt(renew)).isFalse();
    }

    @Test
    void recordsNameTheFieldTheyReject() {
        assertThatThrownBy(() -> new LeaseRecord("x/uid", T, T, 0, 0, "p", "u", "vm", "uid"))
                .hasMessageContaining("leaseDurationSeconds");
        assertThatThrownBy(() -> new LeaseRecord("x/uid", T, T, 1, 0, null, "u", "vm", "uid"))
                .hasMessageContaining("pool");
        assertThatThrownBy(() -> new PoolStatus(-1, 0, 0, 0, 1, new StatusCondition("HasVMs", "False", "NoVms", "",
                T, 1))).hasMessageContaining("vms -1");
        assertThatThrownBy(() -> new PlannerSettings(false, Duration.ofSeconds(-1)))
                .hasMessageContaining("poolNotFoundGrace");
    }

    private static Condition condition(String type, String status, String reason, String time) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage("m")
                .withLastTransitionTime(time).build();
    }
}
