package dev.vmpools.scheduler;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Latencies measured by a benchmark, in nanoseconds, with nearest-rank percentiles in milliseconds. */
record Latencies(long[] sorted) {

    static Latencies of(Collection<Long> nanos) {
        long[] values = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(values);
        return new Latencies(values);
    }

    int count() {
        return sorted.length;
    }

    /** The {@code p}-th percentile (0 < p <= 100) in milliseconds; NaN without samples. */
    double percentileMillis(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1_000_000.0;
    }

    double p50() {
        return percentileMillis(50);
    }

    double p99() {
        return percentileMillis(99);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms (%d samples)", p50(), p99(), count());
    }
}
