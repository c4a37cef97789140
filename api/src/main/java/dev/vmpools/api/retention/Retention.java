package dev.vmpools.api.retention;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import org.threeten.extra.PeriodDuration;

/**
 * How long a pool's VM stays assigned after its last use: a span of time counted from the last use,
 * or an absolute instant that ends every assignment of the pool. Obtain one with {@link #parse}.
 */
public sealed interface Retention permits Retention.Span, Retention.CalendarSpan, Retention.Until {

    /** The longest span a Lease's {@code leaseDurationSeconds} (an int32) can express, about 68 years. */
    long MAX_SECONDS = Integer.MAX_VALUE;

    /** VM-Operator's CRD default for {@code spec.retention}. */
    String DEFAULT_TEXT = "PT1h";

    /** The pattern of {@code spec.retention} in VM-Operator 4.0.x's VmPool CRD, kept verbatim. */
    String UPSTREAM_PATTERN = "^(?:\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d"
            + "(?:\\.\\d{1,9})?(?:Z|[+-](?:[01]\\d|2[0-3])(?:|:?[0-5]\\d))|P(?:\\d+Y)?(?:\\d+M)?(?:\\d+W)?(?:\\d+D)?"
            + "(?:T(?:\\d+[Hh])?(?:\\d+[Mm])?(?:\\d+(?:\\.\\d{1,9})?[Ss])?)?)$";

    /**
     * Parses a retention text. Never throws, whatever the input (null, garbage, huge numbers): every
     * problem comes back as a {@link RetentionOutcome.Rejected} with a stable reason and a message that
     * lists the forms accepted in this mode.
     */
    static RetentionOutcome parse(String text, RetentionMode mode) {
        return RetentionParser.parse(text, Objects.requireNonNull(mode, "mode"));
    }

    /** When an assignment last used at {@code lastUse} ends (it has ended from that instant on). */
    Instant expiresAt(Instant lastUse);

    /** True for a retention that names an instant rather than a span of time. */
    boolean isAbsolute();

    /** The canonical ISO 8601 text of this retention. */
    String text();

    /** Whether an assignment last used at {@code lastUse} has ended at {@code now}: true from the expiry instant on. */
    default boolean isExpired(Instant lastUse, Instant now) {
        return !now.isBefore(expiresAt(lastUse));
    }

    /**
     * The {@code leaseDurationSeconds} of a Lease renewed at {@code renewTime}: whole seconds up to the
     * expiry, rounded up so that the Lease never ends before the assignment, clamped to 1..2147483647.
     */
    default long leaseSeconds(Instant renewTime) {
        Duration left = Duration.between(renewTime, expiresAt(renewTime));
        if (left.isNegative() || left.isZero()) {
            return 1;
        }
        long seconds = left.getSeconds() + (left.getNano() > 0 ? 1 : 0);
        return Math.min(Math.max(seconds, 1), MAX_SECONDS);
    }

    /** A fixed span counted from the last use. */
    record Span(Duration duration) implements Retention {
        public Span {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
            if (duration.compareTo(Duration.ofSeconds(MAX_SECONDS)) > 0) {
                throw new IllegalArgumentException("duration must be at most " + MAX_SECONDS + " s, got " + duration);
            }
        }

        @Override
        public Instant expiresAt(Instant lastUse) {
            return saturated(() -> lastUse.plus(duration));
        }

        @Override
        public boolean isAbsolute() {
            return false;
        }

        @Override
        public String text() {
            return duration.toString();
        }
    }

    /** A span with years or months, added to the last use in UTC (VM-Operator absent only). */
    record CalendarSpan(PeriodDuration amount) implements Retention {
        public CalendarSpan {
            Objects.requireNonNull(amount, "amount");
            if (amount.isZero() || amount.getPeriod().isNegative() || amount.getDuration().isNegative()) {
                throw new IllegalArgumentException("amount must be positive, got " + amount);
            }
        }

        @Override
        public Instant expiresAt(Instant lastUse) {
            return saturated(() -> lastUse.atZone(ZoneOffset.UTC).plus(amount).toInstant());
        }

        @Override
        public boolean isAbsolute() {
            return false;
        }

        @Override
        public String text() {
            return amount.toString();
        }
    }

    /** An absolute end for every assignment of the pool. */
    record Until(Instant instant) implements Retention {
        public Until {
            Objects.requireNonNull(instant, "instant");
        }

        @Override
        public Instant expiresAt(Instant lastUse) {
            return instant;
        }

        @Override
        public boolean isAbsolute() {
            return true;
        }

        @Override
        public String text() {
            return instant.toString();
        }
    }

    private static Instant saturated(java.util.function.Supplier<Instant> sum) {
        try {
            return sum.get();
        } catch (DateTimeException | ArithmeticException beyondTheEndOfTime) {
            return Instant.MAX;
        }
    }
}
