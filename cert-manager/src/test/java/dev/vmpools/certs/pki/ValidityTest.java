package dev.vmpools.certs.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ValidityTest {

    @Test
    void backdatesByFiveMinutesByDefault() {
        assertThat(Validity.of(Duration.ofDays(90)).backdate()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void backdatesShortLifetimesByATenth() {
        assertThat(Validity.of(Duration.ofSeconds(20)).backdate()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesBackdateOfMoreThanHalfTheLifetime() {
        assertThat(new Validity(Duration.ofSeconds(20), Duration.ofSeconds(10)).backdate()).hasSeconds(10);
        assertThatThrownBy(() -> new Validity(Duration.ofSeconds(20), Duration.ofSeconds(10).plusNanos(1)))
                .hasMessageStartingWith("backdate: must be at most half the lifetime PT20S");
    }

    @Test
    void refusesLifetimesUnderASecondAndNegativeBackdates() {
        assertThatThrownBy(() -> new Validity(Duration.ofMillis(999), Duration.ZERO)).hasMessageStartingWith("lifetime: ");
        assertThatThrownBy(() -> new Validity(Duration.ofHours(1), Duration.ofSeconds(-1))).hasMessageStartingWith("backdate: ");
    }

    @Test
    void truncatesBothEndsToWholeSeconds() {
        var validity = new Validity(Duration.ofHours(1), Duration.ofMinutes(5));
        var at = Instant.parse("2030-01-01T00:00:00.999999999Z");

        assertThat(validity.notBefore(at)).isEqualTo(Instant.parse("2029-12-31T23:55:00Z"));
        assertThat(validity.notAfter(at)).isEqualTo(Instant.parse("2030-01-01T01:00:00Z"));
    }
}
