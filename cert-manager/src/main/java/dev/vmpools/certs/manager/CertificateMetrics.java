package dev.vmpools.certs.manager;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the certificate component reports to Prometheus: when the CA and the serving certificate expire
 * (as last read by the leader), rotations by certificate and reason, failed reconciles by step, and
 * whether this instance leads.
 */
public final class CertificateMetrics {

    private final MeterRegistry registry;
    private final AtomicReference<Double> caExpiry = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> servingExpiry = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> leading = new AtomicReference<>(0.0);

    public CertificateMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        Gauge.builder("vmpools.certs.ca.expiration.timestamp", caExpiry, AtomicReference::get)
                .description("When the current webhook CA expires (seconds since the epoch); NaN until read by the leader")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("vmpools.certs.serving.expiration.timestamp", servingExpiry, AtomicReference::get)
                .description("When the serving certificate in the Secret expires (seconds since the epoch); NaN until read by the leader")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("vmpools.certs.leader", leading, AtomicReference::get)
                .description("1 while this instance holds the Lease vmpools-certs and manages the certificates, else 0")
                .register(registry);
    }

    void caExpires(X509Certificate certificate) {
        caExpiry.set((double) certificate.getNotAfter().toInstant().getEpochSecond());
    }

    void servingExpires(X509Certificate certificate) {
        servingExpiry.set((double) certificate.getNotAfter().toInstant().getEpochSecond());
    }

    void leading(boolean leader) {
        leading.set(leader ? 1.0 : 0.0);
    }

    /** A new CA or serving certificate was written; {@code reason} is the PascalCase reason why. */
    void rotated(String certificate, String reason) {
        Counter.builder("vmpools.certs.rotations")
                .description("New CAs and serving certificates written, by certificate (ca, serving) and reason")
                .tag("certificate", certificate)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** A reconcile that could not do its step; it is retried with backoff. */
    void failed(String step) {
        Counter.builder("vmpools.certs.failures")
                .description("Reconciles that failed (API errors, refused writes), by the step they attempted")
                .tag("step", step)
                .register(registry)
                .increment();
    }

    /** Rotations of {@code certificate} (ca or serving) so far, for tests and logs. */
    public double rotations(String certificate) {
        return registry.find("vmpools.certs.rotations").tag("certificate", certificate).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Failed reconciles so far. */
    public double failures() {
        return registry.find("vmpools.certs.failures").counters().stream().mapToDouble(Counter::count).sum();
    }
}
