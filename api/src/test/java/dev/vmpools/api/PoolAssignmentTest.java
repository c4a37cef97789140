package dev.vmpools.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolAssignmentTest {

    @Test
    void readsTheRecordVmOperatorWrites() {
        assertThat(PoolAssignment.fromMap(Map.of("pool", "test-vms", "user", "alice",
                "lastUsed", "2025-03-01T10:15:30.123Z")))
                .contains(new PoolAssignment("test-vms", "alice", Instant.parse("2025-03-01T10:15:30.123Z")));
    }

    @Test
    void readsNoneFromAnEmptyAbsentOrIncompleteRecord() {
        assertThat(PoolAssignment.fromMap(null)).isEmpty();
        assertThat(PoolAssignment.fromMap(Map.of())).isEmpty();
        assertThat(PoolAssignment.fromMap(Map.of("pool", "test-vms"))).isEmpty();
        assertThat(PoolAssignment.fromMap(Map.of("pool", "", "user", "alice"))).isEmpty();
        assertThat(PoolAssignment.fromMap(Map.of("pool", 7, "user", "alice"))).isEmpty();
        Map<String, Object> nulls = new HashMap<>();
        nulls.put("pool", null);
        nulls.put("user", null);
        assertThat(PoolAssignment.fromMap(nulls)).isEmpty();
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(nullValues = "null", value = {
        "2025-03-01T10:15:30.123Z,      2025-03-01T10:15:30.123Z",
        "2025-03-01T10:15:30Z,          2025-03-01T10:15:30Z",
        "2025-03-01T10:15:30.123456789Z, 2025-03-01T10:15:30.123456789Z",
        "2025-03-01T11:15:30+01:00,     2025-03-01T10:15:30Z",
        "yesterday,                     null",
        "'',                            null",
        "null,                          null",
    })
    void readsTheLastUseLeniently(String lastUsed, String expected) {
        assertThat(PoolAssignment.of("p", "u", lastUsed).orElseThrow().lastUsed())
                .isEqualTo(expected == null ? null : Instant.parse(expected));
    }

    @Test
    void writesInstantsInUpstreamsFormat() {
        PoolAssignment assignment = new PoolAssignment("test-vms", "alice", Instant.parse("2025-03-01T10:15:30.123456Z"));
        assertThat(assignment.toMap()).containsExactly(Map.entry("pool", "test-vms"), Map.entry("user", "alice"),
                Map.entry("lastUsed", "2025-03-01T10:15:30.123Z"));
        assertThat(PoolAssignment.format(Instant.parse("2025-03-01T10:15:30Z"))).isEqualTo("2025-03-01T10:15:30.000Z");
        assertThat(new PoolAssignment("p", "u", null).toMap()).doesNotContainKey("lastUsed");
    }

    @Test
    void aRecordNamesItsPoolAndUserExactly() {
        PoolAssignment assignment = new PoolAssignment("test-vms", "alice", null);
        assertThat(assignment.names("test-vms", "alice")).isTrue();
        assertThat(assignment.names("test-vms", "Alice")).isFalse();
        assertThat(assignment.withLastUsed(Instant.EPOCH).lastUsed()).isEqualTo(Instant.EPOCH);
    }

    @Test
    void refusesARecordWithoutPoolOrUser() {
        assertThatThrownBy(() -> new PoolAssignment("", "alice", null)).hasMessageContaining("pool");
        assertThatThrownBy(() -> new PoolAssignment("p", null, null)).hasMessageContaining("user");
    }
}
