package dev.vmpools.api.retention;

/** Why a retention text was rejected; {@link #reason()} is the stable PascalCase name used in answers and Events. */
public enum RetentionRejection {
    /** Null or the empty string. */
    MISSING("RetentionMissing"),
    /** Neither an ISO 8601 duration nor an instant of the form VM-Operator's CRD allows. */
    MALFORMED("RetentionMalformed"),
    /** A duration without any amount: {@code P}, {@code PT}, or a {@code T} with nothing after it. */
    EMPTY("RetentionEmpty"),
    /** A duration of zero length. */
    ZERO("RetentionZero"),
    /** A duration with a minus sign. */
    NEGATIVE("RetentionNegative"),
    /** A duration longer than 2147483647 seconds (about 68 years), the most a Lease can express. */
    TOO_LONG("RetentionTooLong"),
    /** Years, months or weeks while VM-Operator's manager, which cannot parse them, is present. */
    CALENDAR_UNIT("RetentionCalendarUnit"),
    /** An offset without a colon ({@code +0100}, {@code +01}) while VM-Operator's manager is present. */
    OFFSET_WITHOUT_COLON("RetentionOffsetWithoutColon");

    private final String reason;

    RetentionRejection(String reason) {
        this.reason = reason;
    }

    /** The stable machine-readable reason. */
    public String reason() {
        return reason;
    }
}
