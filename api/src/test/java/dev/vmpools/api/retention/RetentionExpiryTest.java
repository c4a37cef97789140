package dev.vmpools.api.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RetentionExpiryTest {

    private static final Instant LAST_USE = Instant.parse("2025-01-31T10:00:00Z");

    static Stream<Arguments> expiries() {
        return Stream.of(
                Arguments.of("PT4h", RetentionMode.COMPATIBLE, "2025-01-31T14:00:00Z"),
                Arguments.of("PT0.5S", RetentionMode.COMPATIBLE, "2025-01-31T10:00:00.500Z"),
                Arguments.of("P1W", RetentionMode.VM_OPERATOR_ABSENT, "2025-02-07T10:00:00Z"),
                // A month from 31 January ends on the last day of February, in UTC.
                Arguments.of("P1M", RetentionMode.VM_OPERATOR_ABSENT, "2025-02-28T10:00:00Z"),
                Arguments.of("P1Y", RetentionMode.VM_OPERATOR_ABSENT, "2026-01-31T10:00:00Z"),
                Arguments.of("P1MT1H", RetentionMode.VM_OPERATOR_ABSENT, "2025-02-28T11:00:00Z"),
                Arguments.of("2025-03-01T10:15:30+01:00", RetentionMode.COMPATIBLE, "2025-03-01T09:15:30Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expiries")
    void expiresExactlyAtTheBoundaryAndNotANanosecondEarlier(String text, RetentionMode mode, String expected) {
        Retention retention = accepted(text, mode);
        Instant expiry = Instant.parse(expected);
        assertThat(retention.expiresAt(LAST_USE)).isEqualTo(expiry);
        assertThat(retention.isExpired(LAST_USE, expiry.minusNanos(1))).isFalse();
        assertThat(retention.isExpired(LAST_USE, expiry)).isTrue();
        assertThat(retention.isExpired(LAST_USE, expiry.plusNanos(1))).isTrue();
    }

    @Test
    void anAbsoluteRetentionIgnoresTheLastUse() {
        Retention retention = accepted("2025-03-01T10:15:30Z", RetentionMode.COMPATIBLE);
        assertThat(retention.isAbsolute()).isTrue();
        assertThat(retention.expiresAt(LAST_USE)).isEqualTo(retention.expiresAt(LAST_USE.plusSeconds(86_400 * 40)));
        assertThat(accepted("PT1H", RetentionMode.COMPATIBLE).isAbsolute()).isFalse();
        assertThat(accepted("P1M", RetentionMode.VM_OPERATOR_ABSENT).isAbsolute()).isFalse();
    }

    @ParameterizedTest(name = "{0} renewed at {1} -> {2} s")
    @CsvSource({
        "PT0.000000001S,     2025-01-31T10:00:00Z, 1",
        "PT0.5S,             2025-01-31T10:00:00Z, 1",
        "PT1S,               2025-01-31T10:00:00Z, 1",
        "PT1.5S,             2025-01-31T10:00:00Z, 2",
        "PT4H,               2025-01-31T10:00:00Z, 14400",
        "PT2147483647S,      2025-01-31T10:00:00Z, 2147483647",
        "2025-01-31T10:00:10.5Z, 2025-01-31T10:00:00Z, 11",
        "2025-01-31T10:00:00Z,   2025-01-31T10:00:00Z, 1",
        "2025-01-31T09:00:00Z,   2025-01-31T10:00:00Z, 1",
        "9999-12-31T23:59:59Z,   2025-01-31T10:00:00Z, 2147483647",
    })
    void leaseSecondsAreRoundedUpAndClamped(String text, String renewTime, long expected) {
        assertThat(accepted(text, RetentionMode.COMPATIBLE).leaseSeconds(Instant.parse(renewTime))).isEqualTo(expected);
    }

    @Test
    void calendarLeaseSecondsFollowTheCalendarAndAreClampedAtTheTop() {
        Instant renew = Instant.parse("2024-01-01T00:00:00Z");
        assertThat(accepted("P1M", RetentionMode.VM_OPERATOR_ABSENT).leaseSeconds(renew)).isEqualTo(31L * 86_400);
        assertThat(accepted("P1Y", RetentionMode.VM_OPERATOR_ABSENT).leaseSeconds(renew)).isEqualTo(366L * 86_400);
        // 68 years from 2024 hold 17 leap days; with 447 more hours the calendar span just passes the Lease limit.
        Retention longest = accepted("P68YT447H", RetentionMode.VM_OPERATOR_ABSENT);
        assertThat(Duration.between(renew, longest.expiresAt(renew)).getSeconds()).isGreaterThan(Retention.MAX_SECONDS);
        assertThat(longest.leaseSeconds(renew)).isEqualTo(Retention.MAX_SECONDS);
    }

    @Test
    void expiryBeyondTheEndOfTimeSaturatesInsteadOfThrowing() {
        Instant nearTheEnd = Instant.MAX.minusSeconds(10);
        assertThat(accepted("PT1H", RetentionMode.COMPATIBLE).expiresAt(nearTheEnd)).isEqualTo(Instant.MAX);
        assertThat(accepted("P1Y", RetentionMode.VM_OPERATOR_ABSENT).expiresAt(nearTheEnd)).isEqualTo(Instant.MAX);
        assertThat(accepted("PT1H", RetentionMode.COMPATIBLE).leaseSeconds(nearTheEnd)).isEqualTo(10);
    }

    @Test
    void canonicalTextsParseBackToTheSameRetention() {
        for (String text : new String[] {"PT4h", "P1DT0.5S", "2025-03-01T10:15:30+01:00"}) {
            Retention retention = accepted(text, RetentionMode.COMPATIBLE);
            assertThat(accepted(retention.text(), RetentionMode.COMPATIBLE)).isEqualTo(retention);
        }
        Retention calendar = accepted("P1Y2M3DT4H", RetentionMode.VM_OPERATOR_ABSENT);
        assertThat(accepted(calendar.text(), RetentionMode.VM_OPERATOR_ABSENT)).isEqualTo(calendar);
    }

    private static Retention accepted(String text, RetentionMode mode) {
        RetentionOutcome outcome = Retention.parse(text, mode);
        assertThat(outcome).as(text).isInstanceOf(RetentionOutcome.Accepted.class);
        return ((RetentionOutcome.Accepted) outcome).retention();
    }
}
