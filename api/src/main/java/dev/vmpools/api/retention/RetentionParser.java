package dev.vmpools.api.retention;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.threeten.extra.PeriodDuration;

/**
 * Parses retention texts without throwing. The text must first match VM-Operator's CRD pattern
 * (the API server enforces it anyway); then the mode decides which of those forms are understood.
 */
final class RetentionParser {

    /** Longer texts are not looked at: no valid retention comes near this. */
    private static final int MAX_TEXT_LENGTH = 1024;
    private static final int SHOWN_LENGTH = 64;

    private static final Pattern UPSTREAM = Pattern.compile(Retention.UPSTREAM_PATTERN);
    private static final Pattern DURATION = Pattern.compile(
            "P(?:(\\d+)Y)?(?:(\\d+)M)?(?:(\\d+)W)?(?:(\\d+)D)?"
            + "(T(?:(\\d+)[Hh])?(?:(\\d+)[Mm])?(?:(\\d+)(?:\\.(\\d{1,9}))?[Ss])?)?");
    private static final Pattern INSTANT = Pattern.compile(
            "(.{19}(?:\\.\\d{1,9})?)(Z|([+-]\\d\\d):?(\\d\\d)?)");

    private static final BigDecimal MAX = BigDecimal.valueOf(Retention.MAX_SECONDS);
    private static final BigDecimal YEAR = BigDecimal.valueOf(ChronoUnit.YEARS.getDuration().getSeconds());
    private static final BigDecimal MONTH = BigDecimal.valueOf(ChronoUnit.MONTHS.getDuration().getSeconds());
    private static final BigDecimal WEEK = BigDecimal.valueOf(7 * 86_400);
    private static final BigDecimal DAY = BigDecimal.valueOf(86_400);
    private static final BigDecimal HOUR = BigDecimal.valueOf(3_600);
    private static final BigDecimal MINUTE = BigDecimal.valueOf(60);

    private static final String ACCEPTED_COMPATIBLE = "Accepted: a duration in days, hours, minutes and seconds"
            + " (PnDTnHnMn.nS, e.g. PT30M, PT4H, P7D, P1DT12H) or an instant with Z or an offset with a colon"
            + " (e.g. 2025-03-01T10:15:30Z, 2025-03-01T10:15:30+01:00); a duration must be longer than zero"
            + " and at most 2147483647 seconds (about 68 years). Weeks, months and years cannot be used"
            + " while VM-Operator's manager is installed.";
    private static final String ACCEPTED_ABSENT = "Accepted: a duration (PnYnMnWnDTnHnMn.nS, e.g. PT4H, P7D,"
            + " P1W, P1M, P1Y; months and years counted in UTC) or an instant with Z or an offset"
            + " (e.g. 2025-03-01T10:15:30Z, 2025-03-01T10:15:30+01:00, +0100, +01); a duration must be longer"
            + " than zero and at most 2147483647 seconds (about 68 years).";

    private RetentionParser() {
    }

    static RetentionOutcome parse(String text, RetentionMode mode) {
        if (text == null || text.isEmpty()) {
            return reject(RetentionRejection.MISSING, text, "is missing", null, mode);
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            return reject(RetentionRejection.MALFORMED, text,
                    "is " + text.length() + " characters long, too long to be a duration or an instant", null, mode);
        }
        if (!UPSTREAM.matcher(text).matches()) {
            if (isNegativeDuration(text)) {
                return reject(RetentionRejection.NEGATIVE, text, "is a negative duration", null, mode);
            }
            return reject(RetentionRejection.MALFORMED, text, "is neither an ISO 8601 duration nor an instant", null,
                    mode);
        }
        Matcher duration = DURATION.matcher(text);
        if (duration.matches()) {
            return parseDuration(text, duration, mode);
        }
        Matcher instant = INSTANT.matcher(text);
        if (instant.matches()) {
            return parseInstant(text, instant, mode);
        }
        // Unreachable while DURATION and INSTANT cover the upstream pattern; a rejection is still the safe answer.
        return reject(RetentionRejection.MALFORMED, text, "is neither an ISO 8601 duration nor an instant", null, mode);
    }

    private static RetentionOutcome parseDuration(String text, Matcher m, RetentionMode mode) {
        String years = m.group(1);
        String months = m.group(2);
        String weeks = m.group(3);
        String days = m.group(4);
        String timePart = m.group(5);
        String hours = m.group(6);
        String minutes = m.group(7);
        String seconds = m.group(8);
        String fraction = m.group(9);
        boolean hasTime = hours != null || minutes != null || seconds != null;
        if (years == null && months == null && weeks == null && days == null && !hasTime) {
            return reject(RetentionRejection.EMPTY, text, "is a duration without any amount", null, mode);
        }
        if (timePart != null && !hasTime) {
            String withoutT = text.substring(0, text.length() - 1);
            String suggestion = parse(withoutT, mode) instanceof RetentionOutcome.Accepted ? withoutT : null;
            return reject(RetentionRejection.EMPTY, text, "has a 'T' without hours, minutes or seconds after it",
                    suggestion, mode);
        }
        BigDecimal secondsTotal = amount(seconds);
        if (fraction != null) {
            secondsTotal = new BigDecimal(seconds + "." + fraction);
        }
        BigDecimal time = amount(hours).multiply(HOUR).add(amount(minutes).multiply(MINUTE)).add(secondsTotal);
        BigDecimal length = amount(years).multiply(YEAR).add(amount(months).multiply(MONTH))
                .add(amount(weeks).multiply(WEEK)).add(amount(days).multiply(DAY)).add(time);
        if (length.signum() == 0) {
            return reject(RetentionRejection.ZERO, text, "is a duration of zero length", null, mode);
        }
        if (length.compareTo(MAX) > 0) {
            return reject(RetentionRejection.TOO_LONG, text,
                    "is longer than 2147483647 seconds (about 68 years), the longest time a Lease can hold", null,
                    mode);
        }
        // From here every amount is small: the whole length fits in an int number of seconds.
        boolean calendar = years != null || months != null || weeks != null;
        int dayCount = amount(days).intValueExact() + 7 * amount(weeks).intValueExact();
        Duration clock = Duration.ofSeconds(time.longValue(), time.remainder(BigDecimal.ONE).movePointRight(9).intValue());
        if (calendar && mode == RetentionMode.COMPATIBLE) {
            long suggestedDays = 365L * amount(years).longValueExact() + 30L * amount(months).longValueExact() + dayCount;
            String suggestion = "P" + (suggestedDays > 0 ? suggestedDays + "D" : "") + (timePart == null ? "" : timePart);
            return reject(RetentionRejection.CALENDAR_UNIT, text,
                    "uses weeks, months or years, which VM-Operator's manager cannot parse", suggestion, mode);
        }
        if (mode == RetentionMode.COMPATIBLE) {
            return compatibleDuration(text, mode);
        }
        int yearCount = amount(years).intValueExact();
        int monthCount = amount(months).intValueExact();
        if (yearCount == 0 && monthCount == 0) {
            // Days and weeks are exactly 86400 s in UTC: a plain span.
            return new RetentionOutcome.Accepted(new Retention.Span(Duration.ofDays(dayCount).plus(clock)));
        }
        return new RetentionOutcome.Accepted(new Retention.CalendarSpan(
                PeriodDuration.of(Period.of(yearCount, monthCount, dayCount), clock)));
    }

    /** What VM-Operator's manager will do with the text decides: if {@code Duration.parse} throws, reject. */
    private static RetentionOutcome compatibleDuration(String text, RetentionMode mode) {
        try {
            return new RetentionOutcome.Accepted(new Retention.Span(Duration.parse(text)));
        } catch (RuntimeException notUnderstood) {
            return reject(RetentionRejection.MALFORMED, text, "is not understood by java.time.Duration.parse", null,
                    mode);
        }
    }

    private static RetentionOutcome parseInstant(String text, Matcher m, RetentionMode mode) {
        String offset = m.group(2);
        String normalized = text;
        if (!offset.equals("Z") && !offset.contains(":")) {
            String minutes = m.group(4) == null ? "00" : m.group(4);
            normalized = m.group(1) + m.group(3) + ":" + minutes;
            if (mode == RetentionMode.COMPATIBLE) {
                return reject(RetentionRejection.OFFSET_WITHOUT_COLON, text,
                        "has an offset without a colon, which VM-Operator's manager cannot parse", normalized, mode);
            }
        }
        try {
            return new RetentionOutcome.Accepted(new Retention.Until(Instant.parse(normalized)));
        } catch (RuntimeException noSuchTime) {
            return reject(RetentionRejection.MALFORMED, text, "is not a valid date and time", null, mode);
        }
    }

    /** A text that java.time reads as a duration with a minus sign somewhere, e.g. {@code -PT1H} or {@code P-1W}. */
    private static boolean isNegativeDuration(String text) {
        if (text.indexOf('-') < 0) {
            return false;
        }
        try {
            return Duration.parse(text).isNegative();
        } catch (RuntimeException notADuration) {
            // fall through to the calendar form
        }
        try {
            PeriodDuration amount = PeriodDuration.parse(text);
            return amount.getPeriod().isNegative() || amount.getDuration().isNegative();
        } catch (RuntimeException notACalendarDuration) {
            return false;
        }
    }

    private static BigDecimal amount(String digits) {
        return digits == null ? BigDecimal.ZERO : new BigDecimal(digits);
    }

    private static RetentionOutcome reject(RetentionRejection rejection, String text, String problem,
            String suggestion, RetentionMode mode) {
        StringBuilder message = new StringBuilder("retention ").append(shown(text)).append(' ').append(problem);
        if (suggestion != null) {
            message.append("; use \"").append(suggestion).append("\" instead");
        }
        message.append(". ").append(mode == RetentionMode.COMPATIBLE ? ACCEPTED_COMPATIBLE : ACCEPTED_ABSENT);
        return new RetentionOutcome.Rejected(rejection, message.toString(), Optional.ofNullable(suggestion));
    }

    /** The text quoted for a message: shortened, and without control characters that could garble a log line. */
    private static String shown(String text) {
        if (text == null) {
            return "(null)";
        }
        String head = text.length() > SHOWN_LENGTH ? text.substring(0, SHOWN_LENGTH) + "..." : text;
        StringBuilder quoted = new StringBuilder("\"");
        head.codePoints().forEach(c -> quoted.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return quoted.append('"').toString();
    }
}
