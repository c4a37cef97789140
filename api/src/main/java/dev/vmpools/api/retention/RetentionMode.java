package dev.vmpools.api.retention;

/** Which retention texts are accepted: it depends on whether VM-Operator's manager also reads them. */
public enum RetentionMode {
    /**
     * VM-Operator's manager runs beside us and parses retention with {@code Duration.parse} and
     * {@code Instant.parse}: only what both of those accept is admitted (the default).
     */
    COMPATIBLE,
    /** No VM-Operator: calendar units (years, months, weeks) and every offset form are understood, in UTC. */
    VM_OPERATOR_ABSENT
}
