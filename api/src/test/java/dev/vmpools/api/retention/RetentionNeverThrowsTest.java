package dev.vmpools.api.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Property-style: many random and hostile texts; no exception escapes and every acceptance is sound. */
class RetentionNeverThrowsTest {

    private static final Pattern UPSTREAM = Pattern.compile(Retention.UPSTREAM_PATTERN);
    private static final String ALPHABET = "PTYMWDHSymwdhs0123456789.,:+-Z Zt\u00e9\u0000\ud83d\ude00";
    private static final String[] PIECES = {"P", "T", "1", "0", "9999999999", "Y", "M", "W", "D", "H", "S", "h",
        "m", "s", ".5", ".123456789", ".1234567890", "-", "+", "2025-03-01T10:15:30", "2025-02-29T23:59:59",
        "9999-12-31T23:59:59", "0000-01-01T00:00:00", "Z", "+01", "+0100", "+01:00", "-23:59", "+24:00", ",5"};

    @Test
    void noTextMakesParsingThrowAndEveryAcceptedTextIsSound() {
        SplittableRandom random = new SplittableRandom(20261124L);
        List<String> texts = new ArrayList<>(List.of("P" + "1".repeat(1023), "9".repeat(2_000_000),
                "P" + "9".repeat(1022) + "D", "PT" + "9".repeat(1021) + "S", "\ud800", "P\ud800D"));
        for (int i = 0; i < 8_000; i++) {
            texts.add(switch (i % 4) {
                case 0 -> randomCharacters(random);
                case 1 -> randomPieces(random);
                case 2 -> nearlyValidDuration(random);
                default -> nearlyValidInstant(random);
            });
        }
        int accepted = 0;
        for (String text : texts) {
            for (RetentionMode mode : RetentionMode.values()) {
                RetentionOutcome[] outcome = new RetentionOutcome[1];
                assertThatCode(() -> outcome[0] = Retention.parse(text, mode)).as(text).doesNotThrowAnyException();
                assertThat(outcome[0]).as(text).isNotNull();
                if (outcome[0] instanceof RetentionOutcome.Accepted(Retention retention)) {
                    accepted++;
                    assertSound(text, mode, retention);
                }
            }
        }
        // The generator must reach the accepting paths often enough for the soundness checks to mean something.
        assertThat(accepted).isGreaterThan(300);
    }

    private static void assertSound(String text, RetentionMode mode, Retention retention) {
        assertThat(UPSTREAM.matcher(text).matches()).as(text).isTrue();
        if (mode == RetentionMode.COMPATIBLE) {
            // What we accept, VM-Operator's manager must be able to parse.
            assertThatCode(() -> {
                if (text.startsWith("P")) {
                    Duration.parse(text);
                } else {
                    Instant.parse(text);
                }
            }).as(text).doesNotThrowAnyException();
        }
        Instant lastUse = Instant.parse("2030-06-15T12:00:00Z");
        if (!retention.isAbsolute()) {
            assertThat(retention.expiresAt(lastUse)).as(text).isAfter(lastUse);
            assertThat(retention.leaseSeconds(lastUse)).as(text).isBetween(1L, Retention.MAX_SECONDS);
        }
    }

    private static String randomCharacters(SplittableRandom random) {
        int length = random.nextInt(0, 30);
        int[] codePoints = ALPHABET.codePoints().toArray();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(random.nextInt(10) == 0 ? random.nextInt(0, 0x10FFFF) : codePoints[random.nextInt(codePoints.length)]);
        }
        return text.toString();
    }

    /** Durations in the upstream grammar, with now and then a sign, a comma, a lower-case unit or a huge amount. */
    private static String nearlyValidDuration(SplittableRandom random) {
        StringBuilder text = new StringBuilder(random.nextInt(20) == 0 ? "-P" : "P");
        for (String unit : new String[] {"Y", "M", "W", "D"}) {
            if (random.nextInt(4) == 0) {
                text.append(amount(random)).append(unit);
            }
        }
        if (random.nextBoolean()) {
            text.append('T');
            for (String unit : new String[] {"H", "M", "S"}) {
                if (random.nextInt(3) == 0) {
                    text.append(amount(random));
                    if (unit.equals("S") && random.nextInt(3) == 0) {
                        text.append(random.nextInt(20) == 0 ? ',' : '.').append(random.nextInt(0, 1_000_000));
                    }
                    text.append(random.nextBoolean() ? unit : unit.toLowerCase());
                }
            }
        }
        return text.toString();
    }

    private static String amount(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> "0";
            case 1 -> String.valueOf(random.nextLong(0, Long.MAX_VALUE));
            case 2 -> random.nextInt(30) == 0 ? "-1" : "1";
            default -> String.valueOf(random.nextInt(0, 5_000));
        };
    }

    /** Instants in the upstream grammar, some with impossible dates and every offset shape. */
    private static String nearlyValidInstant(SplittableRandom random) {
        String[] offsets = {"Z", "+01:00", "+0100", "+01", "-23:59", "-0000", "+00", ""};
        return String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(0, 10_000), random.nextInt(1, 13),
                random.nextInt(1, 32), random.nextInt(0, 24), random.nextInt(0, 60), random.nextInt(0, 60),
                random.nextBoolean() ? "" : "." + random.nextInt(0, 1_000_000_000),
                offsets[random.nextInt(offsets.length)]);
    }

    private static String randomPieces(SplittableRandom random) {
        int length = random.nextInt(1, 8);
        StringBuilder text = new StringBuilder(random.nextBoolean() ? "P" : "");
        for (int i = 0; i < length; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }
}
