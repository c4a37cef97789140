package dev.vmpools.webhook.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code vmpools_admission_requests_total{kind,operation,decision}} and the latency histogram
 * {@code vmpools_admission_duration_seconds{kind,operation}}. Label values come from the endpoint and the
 * closed set of operations, never from request text, so a hostile body cannot grow the label space.
 */
public final class AdmissionMetrics {

    /** The decision of a request rejected before it reached a handler (HTTP 400, 413, 415). */
    public static final String REJECTED = "rejected";
    /** The operation label of a request whose operation is unknown. */
    public static final String UNKNOWN_OPERATION = "unknown";

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1).dividedBy(4), Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
    };

    private final MeterRegistry registry;
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    public AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(Endpoint endpoint, String operation, String decision, long durationNanos) {
        // Meters are looked up once per label set, not built on every request (the hot path).
        counters.computeIfAbsent(List.of(endpoint.kind(), operation, decision), labels -> Counter.builder("vmpools.admission.requests")
                .description("Admission requests by kind, operation and decision")
                .tag("kind", endpoint.kind())
                .tag("operation", operation)
                .tag("decision", decision)
                .register(registry)).increment();
        timers.computeIfAbsent(List.of(endpoint.kind(), operation), labels -> Timer.builder("vmpools.admission.duration")
                .description("Time from reading an admission request to its answer")
                .tag("kind", endpoint.kind())
                .tag("operation", operation)
                .serviceLevelObjectives(BUCKETS)
                .register(registry)).record(durationNanos, TimeUnit.NANOSECONDS);
    }
}
