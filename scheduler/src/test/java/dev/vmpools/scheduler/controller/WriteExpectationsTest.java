package dev.vmpools.scheduler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.scheduler.cluster.ObjectKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WriteExpectationsTest {
    private static final ObjectKey LEASE = new ObjectKey(ObjectKey.Kind.LEASE, "ns", "vmpool.vm-1");
    private static final ObjectKey VM = new ObjectKey(ObjectKey.Kind.VM, "ns", "vm-1");

    private final AtomicLong nanos = new AtomicLong();
    private final WriteExpectations expectations = new WriteExpectations(Duration.ofSeconds(5), nanos::get);
    private final Map<ObjectKey, String> cache = new HashMap<>();

    private Optional<Duration> behind() {
        return expectations.behind(List.of(LEASE, VM), key -> Optional.ofNullable(cache.get(key)));
    }

    @ParameterizedTest(name = "written 10 → 11, cache shows {0}: behind {1}")
    @CsvSource({
        "10, true",
        "11, false",
        "12, false",
        ", false",
    })
    void anUpdateIsShownOnceTheCacheLeavesTheVersionItWasPlannedOn(String shown, boolean behind) {
        expectations.written(VM, Optional.of("10"), "11");
        if (shown != null) {
            cache.put(VM, shown);
        }

        assertThat(behind().isPresent()).isEqualTo(behind);
    }

    @Test
    void aCreateIsShownOnlyOnceTheObjectIsThere() {
        expectations.written(LEASE, Optional.empty(), "5");
        assertThat(behind()).contains(Duration.ofSeconds(5));

        cache.put(LEASE, "5");
        assertThat(behind()).isEmpty();
        assertThat(expectations.size()).isZero();
    }

    @Test
    void twoWritesInARowWaitForTheSecond() {
        cache.put(VM, "10");
        expectations.written(VM, Optional.of("10"), "11");
        expectations.written(VM, Optional.of("11"), "12");

        cache.put(VM, "11");
        assertThat(behind()).isPresent();
        cache.put(VM, "12");
        assertThat(behind()).isEmpty();
    }

    @Test
    void aMissedEventStallsTheGroupOnlyUntilTheDeadline() {
        cache.put(VM, "10");
        expectations.written(VM, Optional.of("10"), "11");
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(behind()).contains(Duration.ofSeconds(1));

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());

        assertThat(behind()).isEmpty();
        assertThat(expectations.size()).isZero();
    }
}
