package dev.vmpools.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AssignmentReasonTest {

    @Test
    void onlyTheEndingsAreTerminal() {
        assertThat(Arrays.stream(AssignmentReason.values()).filter(AssignmentReason::terminal).map(AssignmentReason::reason))
                .containsExactly("Expired", "RetentionEnded", "PoolNotFound", "PermissionRevoked", "Released");
    }

    @Test
    void onlyAssignedMakesTheConditionTrue() {
        assertThat(AssignmentReason.ASSIGNED.conditionStatus()).isEqualTo("True");
        assertThat(AssignmentReason.WAITING.conditionStatus()).isEqualTo("False");
        assertThat(AssignmentReason.EXPIRED.conditionStatus()).isEqualTo("False");
    }

    @Test
    void findsAReasonByItsWrittenName() {
        assertThat(AssignmentReason.fromReason("VmGone")).contains(AssignmentReason.VM_GONE);
        assertThat(AssignmentReason.fromReason("vmgone")).isEmpty();
        assertThat(AssignmentReason.fromReason(null)).isEmpty();
    }
}
