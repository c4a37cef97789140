package dev.vmpools.scheduler.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The scheduler's metrics (DESIGN §6), named for Prometheus:
 * {@code vmpools_scheduler_assignments_total{result}} (a request reaching a reason: Assigned, Waiting,
 * Expired, ...), {@code vmpools_scheduler_assignment_latency_seconds} (request seen → Assigned written),
 * {@code vmpools_scheduler_waiting} (active requests without a VM), {@code vmpools_scheduler_expiries_total},
 * {@code vmpools_scheduler_lease_conflicts_total}, plus {@code vmpools_scheduler_plans_total} and
 * {@code vmpools_scheduler_write_failures_total}. Label values come from the closed set of reasons.
 */
public final class SchedulerMetrics {

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(1), Duration.ofMinutes(5),
    };

    private final MeterRegistry registry;
    private final Timer latency;
    private final Counter expiries;
    private final Counter leaseConflicts;
    private final Counter plans;
    private final Counter writeFailures;

    /** @param waiting counts active requests without a VM, read when scraped */
    public SchedulerMetrics(MeterRegistry registry, Supplier<Number> waiting) {
        this.registry = registry;
        this.latency = Timer.builder("vmpools.scheduler.assignment.latency")
                .description("Time from a request being seen to its Assigned status being written")
                .serviceLevelObjectives(BUCKETS).register(registry);
        this.expiries = Counter.builder("vmpools.scheduler.expiries")
                .description("Assignments that expired after their pool's retention").register(registry);
        this.leaseConflicts = Counter.builder("vmpools.scheduler.lease.conflicts")
                .description("Lease writes refused with 409: another writer changed the Lease first").register(registry);
        this.plans = Counter.builder("vmpools.scheduler.plans")
                .description("Planning groups planned").register(registry);
        this.writeFailures = Counter.builder("vmpools.scheduler.write.failures")
                .description("Writes that failed other than by contention (permissions, server errors)")
                .register(registry);
        Gauge.builder("vmpools.scheduler.waiting", waiting).description("Active requests without a VM")
                .register(registry);
    }

    /** A request reached this reason. */
    public void result(String reason) {
        Counter.builder("vmpools.scheduler.assignments").description("Requests reaching a reason, by reason")
                .tag("result", reason).register(registry).increment();
    }

    public void assigned(Duration sinceRequest) {
        latency.record(sinceRequest.isNegative() ? Duration.ZERO : sinceRequest);
    }

    public void expired() {
        expiries.increment();
    }

    public void leaseConflict() {
        leaseConflicts.increment();
    }

    public void planned() {
        plans.increment();
    }

    public void writeFailed() {
        writeFailures.increment();
    }
}
