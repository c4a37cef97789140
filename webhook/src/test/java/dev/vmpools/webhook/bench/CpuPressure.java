package dev.vmpools.webhook.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Linux pressure stall information for the CPU ({@code /proc/pressure/cpu}, "some"): the share of wall time in
 * which at least one runnable task waited for a CPU, machine-wide. On a shared machine it tells how much the
 * figures measured over the same interval were disturbed.
 */
final class CpuPressure {

    private static final Path FILE = Path.of("/proc/pressure/cpu");
    private static final Pattern SOME_TOTAL = Pattern.compile("some .*total=(\\d+)");

    private final long stalledMicros;
    private final long atNanos;

    private CpuPressure(long stalledMicros, long atNanos) {
        this.stalledMicros = stalledMicros;
        this.atNanos = atNanos;
    }

    /** Now; a reading of -1 stalled microseconds where the kernel offers no pressure information. */
    static CpuPressure now() {
        long stalled = -1;
        try {
            Matcher matcher = SOME_TOTAL.matcher(Files.readString(FILE));
            if (matcher.find()) {
                stalled = Long.parseLong(matcher.group(1));
            }
        } catch (IOException | RuntimeException e) {
            stalled = -1;
        }
        return new CpuPressure(stalled, System.nanoTime());
    }

    /** Stalled microseconds since {@code earlier}, or -1 when unknown. */
    long stalledMicrosSince(CpuPressure earlier) {
        return stalledMicros < 0 || earlier.stalledMicros < 0 ? -1 : stalledMicros - earlier.stalledMicros;
    }

    /** The share of wall time, in percent, in which some task waited for a CPU since {@code earlier}; -1 when unknown. */
    double percentSince(CpuPressure earlier) {
        long stalled = stalledMicrosSince(earlier);
        double wallMicros = (atNanos - earlier.atNanos) / 1e3;
        return stalled < 0 || wallMicros <= 0 ? -1 : 100 * stalled / wallMicros;
    }
}
