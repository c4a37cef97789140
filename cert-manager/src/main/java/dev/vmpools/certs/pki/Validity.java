package dev.vmpools.certs.pki;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How long a certificate is valid: from {@code backdate} before issuance (so a client whose clock is a
 * little behind already accepts it) until {@code lifetime} after issuance. X.509 times have whole
 * seconds, so both ends are truncated to the second.
 *
 * <p>The backdate counts towards the life that renewal measures (renewal at 2/3 of notBefore..notAfter),
 * so it may be at most half the lifetime; otherwise a fresh certificate could be due for renewal at once.
 */
public record Validity(Duration lifetime, Duration backdate) {

    public static final Duration DEFAULT_BACKDATE = Duration.ofMinutes(5);

    public Validity {
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(backdate, "backdate");
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("lifetime: must be at least 1s, was " + lifetime);
        }
        if (backdate.isNegative()) {
            throw new IllegalArgumentException("backdate: must not be negative, was " + backdate);
        }
        if (backdate.compareTo(lifetime.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("backdate: must be at most half the lifetime " + lifetime
                    + " (renewal at 2/3 of life would be due at once), was " + backdate);
        }
    }

    /** The default backdate of 5 minutes, or a tenth of the lifetime when that is under 10 minutes. */
    public static Validity of(Duration lifetime) {
        return new Validity(lifetime, DEFAULT_BACKDATE.compareTo(lifetime.dividedBy(2)) <= 0
                ? DEFAULT_BACKDATE
                : lifetime.dividedBy(10));
    }

    public Instant notBefore(Instant issuedAt) {
        return issuedAt.minus(backdate).truncatedTo(ChronoUnit.SECONDS);
    }

    public Instant notAfter(Instant issuedAt) {
        return issuedAt.plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
    }
}
