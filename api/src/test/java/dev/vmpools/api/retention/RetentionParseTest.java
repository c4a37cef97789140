package dev.vmpools.api.retention;

import static dev.vmpools.api.retention.RetentionMode.COMPATIBLE;
import static dev.vmpools.api.retention.RetentionMode.VM_OPERATOR_ABSENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.threeten.extra.PeriodDuration;

class RetentionParseTest {

    private static final String T = "2025-03-01T10:15:30";

    static Stream<Arguments> acceptedInBothModes() {
        return Stream.of(
                Arguments.of("PT1h", new Retention.Span(Duration.ofHours(1))),
                Arguments.of("PT4H", new Retention.Span(Duration.ofHours(4))),
                Arguments.of("PT0.5S", new Retention.Span(Duration.ofMillis(500))),
                Arguments.of("PT0.000000001S", new Retention.Span(Duration.ofNanos(1))),
                Arguments.of("P7D", new Retention.Span(Duration.ofDays(7))),
                Arguments.of("P1DT1h2m3.5s", new Retention.Span(Duration.parse("P1DT1H2M3.5S"))),
                Arguments.of("PT2147483647S", new Retention.Span(Duration.ofSeconds(Integer.MAX_VALUE))),
                Arguments.of("P24855DT3H14M7S", new Retention.Span(Duration.ofSeconds(Integer.MAX_VALUE))),
                Arguments.of(T + ".123Z", new Retention.Until(Instant.parse("2025-03-01T10:15:30.123Z"))),
                Arguments.of(T + "Z", new Retention.Until(Instant.parse("2025-03-01T10:15:30Z"))),
                Arguments.of(T + "+01:00", new Retention.Until(Instant.parse("2025-03-01T09:15:30Z"))),
                Arguments.of(T + ".5-05:30", new Retention.Until(Instant.parse("2025-03-01T15:45:30.5Z"))));
    }

    @ParameterizedTest(name = "{0} in {2}")
    @MethodSource("acceptedInBothModesWithMode")
    void acceptsWhatBothVmOperatorAndUsUnderstand(String text, Retention expected, RetentionMode mode) {
        assertThat(Retention.parse(text, mode)).isEqualTo(new RetentionOutcome.Accepted(expected));
    }

    static Stream<Arguments> acceptedInBothModesWithMode() {
        return acceptedInBothModes().flatMap(a -> Stream.of(COMPATIBLE, VM_OPERATOR_ABSENT)
                .map(mode -> Arguments.of(a.get()[0], a.get()[1], mode)));
    }

    static Stream<Arguments> calendarAndOffsetForms() {
        return Stream.of(
                Arguments.of("P1W", "P7D", new Retention.Span(Duration.ofDays(7))),
                Arguments.of("P1M", "P30D", calendar(0, 1, 0, Duration.ZERO)),
                Arguments.of("P1Y", "P365D", calendar(1, 0, 0, Duration.ZERO)),
                Arguments.of("P1Y2M3W4DT5h", "P450DT5h", calendar(1, 2, 25, Duration.ofHours(5))),
                Arguments.of("P0YT2H", "PT2H", new Retention.Span(Duration.ofHours(2))),
                Arguments.of("P68Y", "P24820D", calendar(68, 0, 0, Duration.ZERO)),
                Arguments.of(T + "+0100", T + "+01:00", new Retention.Until(Instant.parse("2025-03-01T09:15:30Z"))),
                Arguments.of(T + "+01", T + "+01:00", new Retention.Until(Instant.parse("2025-03-01T09:15:30Z"))),
                Arguments.of(T + ".25-0230", T + ".25-02:30",
                        new Retention.Until(Instant.parse("2025-03-01T12:45:30.25Z"))));
    }

    @ParameterizedTest(name = "{0} -> suggests {1}")
    @MethodSource("calendarAndOffsetForms")
    void rejectsWhatVmOperatorCannotParseWithASuggestionWhenItIsPresent(String text, String suggestion,
            Retention ignored) {
        RetentionOutcome.Rejected rejected = rejected(text, COMPATIBLE);
        assertThat(rejected.rejection()).isIn(RetentionRejection.CALENDAR_UNIT, RetentionRejection.OFFSET_WITHOUT_COLON);
        assertThat(rejected.rejection()).isEqualTo(text.startsWith("P")
                ? RetentionRejection.CALENDAR_UNIT : RetentionRejection.OFFSET_WITHOUT_COLON);
        assertThat(rejected.suggestion()).contains(suggestion);
        assertThat(rejected.message()).contains("\"" + text + "\"", "use \"" + suggestion + "\"");
        assertListsCompatibleForms(rejected.message());
        assertThat(Retention.parse(suggestion, COMPATIBLE)).isInstanceOf(RetentionOutcome.Accepted.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calendarAndOffsetForms")
    void acceptsCalendarUnitsAndEveryOffsetWhenVmOperatorIsAbsent(String text, String ignored, Retention expected) {
        assertThat(Retention.parse(text, VM_OPERATOR_ABSENT)).isEqualTo(new RetentionOutcome.Accepted(expected));
    }

    static Stream<Arguments> alwaysRejected() {
        return Stream.of(
                Arguments.of(null, RetentionRejection.MISSING),
                Arguments.of("", RetentionRejection.MISSING),
                Arguments.of("P", RetentionRejection.EMPTY),
                Arguments.of("PT", RetentionRejection.EMPTY),
                Arguments.of("P1DT", RetentionRejection.EMPTY),
                Arguments.of("PT0S", RetentionRejection.ZERO),
                Arguments.of("P0D", RetentionRejection.ZERO),
                Arguments.of("P0Y0M0W0DT0H0M0.000000000S", RetentionRejection.ZERO),
                Arguments.of("P99999999999D", RetentionRejection.TOO_LONG),
                Arguments.of("P" + "9".repeat(500) + "D", RetentionRejection.TOO_LONG),
                Arguments.of("PT2147483648S", RetentionRejection.TOO_LONG),
                Arguments.of("PT2147483647.000000001S", RetentionRejection.TOO_LONG),
                Arguments.of("P24856D", RetentionRejection.TOO_LONG),
                Arguments.of("P69Y", RetentionRejection.TOO_LONG),
                Arguments.of("P68Y1M", RetentionRejection.TOO_LONG),
                Arguments.of("-PT1H", RetentionRejection.NEGATIVE),
                Arguments.of("PT-1H", RetentionRejection.NEGATIVE),
                Arguments.of("P-1D", RetentionRejection.NEGATIVE),
                Arguments.of("-P1W", RetentionRejection.NEGATIVE),
                Arguments.of("P1Y-2M", RetentionRejection.NEGATIVE),
                Arguments.of("1h", RetentionRejection.MALFORMED),
                Arguments.of("PT1.5H", RetentionRejection.MALFORMED),
                Arguments.of("PT1,5S", RetentionRejection.MALFORMED),
                Arguments.of("pt1h", RetentionRejection.MALFORMED),
                Arguments.of(" PT1H", RetentionRejection.MALFORMED),
                Arguments.of("PT1H\n", RetentionRejection.MALFORMED),
                Arguments.of("2025-02-30T10:15:30Z", RetentionRejection.MALFORMED),
                Arguments.of("2025-03-01T10:15:30", RetentionRejection.MALFORMED),
                Arguments.of("2025-03-01T10:15Z", RetentionRejection.MALFORMED),
                Arguments.of("2025-03-01T24:00:00Z", RetentionRejection.MALFORMED),
                Arguments.of("2025-03-01 10:15:30Z", RetentionRejection.MALFORMED),
                Arguments.of("P".repeat(5000), RetentionRejection.MALFORMED));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("alwaysRejected")
    void rejectsDegenerateFormsInCompatibleMode(String text, RetentionRejection expected) {
        RetentionOutcome.Rejected rejected = rejected(text, COMPATIBLE);
        assertThat(rejected.rejection()).isEqualTo(expected);
        assertListsCompatibleForms(rejected.message());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("alwaysRejected")
    void rejectsDegenerateFormsWhenVmOperatorIsAbsent(String text, RetentionRejection expected) {
        RetentionOutcome.Rejected rejected = rejected(text, VM_OPERATOR_ABSENT);
        assertThat(rejected.rejection()).isEqualTo(expected);
        assertThat(rejected.message()).contains("Accepted:", "PnYnMnWnDTnHnMn.nS", "2147483647 seconds");
    }

    @ParameterizedTest
    @EnumSource(RetentionMode.class)
    void suggestsDroppingADanglingTimeDesignator(RetentionMode mode) {
        assertThat(rejected("P1DT", mode).suggestion()).contains("P1D");
        assertThat(rejected("PT", mode).suggestion()).isEmpty();
    }

    @Test
    void quotesTheTextShortenedAndWithoutControlCharacters() {
        String message = rejected("x".repeat(100) + "\u0000", COMPATIBLE).message();
        assertThat(message).startsWith("retention \"" + "x".repeat(64) + "...\" is neither");
        assertThat(rejected("P\u0007", COMPATIBLE).message()).startsWith("retention \"P?\"");
        assertThat(rejected(null, COMPATIBLE).message()).startsWith("retention (null) is missing");
    }

    @Test
    void namesStableReasons() {
        assertThat(rejected("P1W", COMPATIBLE).reason()).isEqualTo("RetentionCalendarUnit");
        assertThat(rejected("PT0S", COMPATIBLE).reason()).isEqualTo("RetentionZero");
    }

    @Test
    void keepsVmOperatorsPatternVerbatim() {
        assertThat(Retention.UPSTREAM_PATTERN).isEqualTo("^(?:\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])"
                + "T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?(?:Z|[+-](?:[01]\\d|2[0-3])(?:|:?[0-5]\\d))"
                + "|P(?:\\d+Y)?(?:\\d+M)?(?:\\d+W)?(?:\\d+D)?(?:T(?:\\d+[Hh])?(?:\\d+[Mm])?(?:\\d+(?:\\.\\d{1,9})?[Ss])?)?)$");
        assertThat(Retention.parse(Retention.DEFAULT_TEXT, COMPATIBLE))
                .isEqualTo(new RetentionOutcome.Accepted(new Retention.Span(Duration.ofHours(1))));
    }

    private static RetentionOutcome.Rejected rejected(String text, RetentionMode mode) {
        RetentionOutcome outcome = Retention.parse(text, mode);
        assertThat(outcome).isInstanceOf(RetentionOutcome.Rejected.class);
        return (RetentionOutcome.Rejected) outcome;
    }

    private static void assertListsCompatibleForms(String message) {
        assertThat(message).contains("Accepted:", "PnDTnHnMn.nS", "2025-03-01T10:15:30+01:00", "2147483647 seconds",
                "Weeks, months and years cannot be used");
    }

    private static Retention calendar(int years, int months, int days, Duration time) {
        return new Retention.CalendarSpan(PeriodDuration.of(Period.of(years, months, days), time));
    }

    @Test
    void rejectionsCarryNoSuggestionWhereThereIsNone() {
        assertThat(rejected("P99999999999D", COMPATIBLE).suggestion()).isEqualTo(Optional.empty());
    }
}
