package dev.vmpools.webhook;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.http.AdmissionHandlers;
import dev.vmpools.webhook.http.AdmissionMetrics;
import dev.vmpools.webhook.http.AdmissionService;
import dev.vmpools.webhook.http.HealthService;
import dev.vmpools.webhook.http.MetricsService;
import dev.vmpools.webhook.http.ReadinessCheck;
import dev.vmpools.webhook.tls.TlsFileWatcher;
import dev.vmpools.webhook.tls.TlsMaterial;
import dev.vmpools.webhook.tls.TlsMaterialException;
import dev.vmpools.webhook.tls.TlsReloader;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The webhook's HTTPS server: admission endpoints, {@code /health/live}, {@code /health/ready} (TLS served
 * and valid, plus the checks given, such as synced caches) and {@code /metrics}, with the certificate
 * swapped in place when its files change or {@link #tlsReloader()} is offered new material.
 * Requests run on virtual threads (Helidon's default).
 */
public final class WebhookServer {

    private static final System.Logger LOG = System.getLogger(WebhookServer.class.getName());

    private final WebServer webServer;
    private final TlsReloader reloader;
    private final Optional<TlsFileWatcher> watcher;
    private final Duration pollInterval;
    private final ScheduledExecutorService poller;

    private WebhookServer(Builder builder, TlsMaterial initial) {
        this.reloader = new TlsReloader(initial, tls -> webServer().reloadTls(tls));
        this.watcher = builder.tlsFiles.map(files -> new TlsFileWatcher(files.key(), files.chain(), reloader));
        this.pollInterval = builder.tlsPollInterval;
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tls-file-watcher").factory());

        InstantSource clock = builder.clock;
        AdmissionReviews reviews = new AdmissionReviews();
        List<ReadinessCheck> checks = new ArrayList<>();
        checks.add(new ReadinessCheck("tls", () -> reloader.serving().validAt(clock.instant())));
        checks.addAll(builder.readinessChecks);

        PrometheusMeterRegistry registry = builder.registry;
        Gauge.builder("vmpools.webhook.certificate.expiration.timestamp",
                        reloader, r -> r.serving().notAfter().getEpochSecond())
                .description("When the served certificate expires (seconds since the epoch)")
                .baseUnit("seconds")
                .register(registry);

        AdmissionService admission = new AdmissionService(builder.handlers, reviews, new AdmissionMetrics(registry));
        HealthService health = new HealthService(checks, reviews.mapper());
        MetricsService metrics = new MetricsService(registry);
        this.webServer = WebServer.builder()
                .host(builder.host)
                .port(builder.port)
                .tls(initial.tls())
                // Before routing, Helidon answers 413 (and closes) for any announced body over the limit.
                .maxPayloadSize(AdmissionService.MAX_BODY_BYTES)
                .connectionOptions(socket -> socket.readTimeout(builder.readTimeout))
                .routing(routing -> {
                    routing(routing, admission, health, metrics);
                    builder.services.forEach(routing::register);
                    if (builder.recycleConnectionsEvery > 0) {
                        routing.addFilter(recycling(builder.recycleConnectionsEvery));
                    }
                })
                .build();
    }

    /** The routes of the server, shared by {@link #start()} and the tests. */
    public static void routing(HttpRouting.Builder routing, AdmissionService admission, HealthService health,
                               MetricsService metrics) {
        routing.register(admission)
                .register(health)
                .register(metrics);
    }

    /**
     * Asks the client to close its connection after one response in every {@code every} (HTTP/1.1
     * {@code Connection: close}, so no request is ever cut): behind a Service, which balances connections and
     * not requests, the API server's long-lived connections then spread over the replicas again, and a
     * certificate swapped in place is negotiated within that many requests. (Helidon 4.2.0 leaves the closing to
     * the client, as the API server's Go client and every HTTP/1.1 client does on {@code Connection: close}.)
     */
    private static Filter recycling(int every) {
        AtomicLong responses = new AtomicLong();
        return (chain, request, response) -> {
            if (responses.incrementAndGet() % every == 0) {
                response.header(HeaderValues.CONNECTION_CLOSE);
            }
            chain.proceed();
        };
    }

    public static Builder builder() {
        return new Builder();
    }

    public WebhookServer start() {
        webServer.start();
        watcher.ifPresent(w -> poller.scheduleWithFixedDelay(w::poll, pollInterval.toMillis(), pollInterval.toMillis(),
                TimeUnit.MILLISECONDS));
        LOG.log(Level.INFO, () -> "webhook listening on port " + webServer.port() + " with certificate " + reloader.serving());
        return this;
    }

    public void stop() {
        poller.shutdownNow();
        webServer.stop();
    }

    /** The bound port (useful after binding port 0). */
    public int port() {
        return webServer.port();
    }

    /** Offers new material (for example from a watched Secret) and tells which certificate is served. */
    public TlsReloader tlsReloader() {
        return reloader;
    }

    /** The file watcher when the server was built from files; polls on its own, or when told. */
    public Optional<TlsFileWatcher> tlsFileWatcher() {
        return watcher;
    }

    private WebServer webServer() {
        return webServer;
    }

    private record TlsFiles(Path key, Path chain) {
    }

    /** Collects the wiring; {@link #build()} reads the TLS material once and fails if it cannot be served. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8443;
        private AdmissionHandlers handlers;
        private Optional<TlsFiles> tlsFiles = Optional.empty();
        private TlsMaterial tlsMaterial;
        private Duration tlsPollInterval = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private final List<ReadinessCheck> readinessChecks = new ArrayList<>();
        private final List<HttpService> services = new ArrayList<>();
        private PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private InstantSource clock = InstantSource.system();
        private int recycleConnectionsEvery;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The port; 0 binds any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder handlers(AdmissionHandlers handlers) {
            this.handlers = Objects.requireNonNull(handlers, "handlers");
            return this;
        }

        /** Serve the key and chain of these PEM files and reload them when they change. */
        public Builder tlsFiles(Path key, Path chain) {
            this.tlsFiles = Optional.of(new TlsFiles(key, chain));
            this.tlsMaterial = null;
            return this;
        }

        /** Serve this material; later material goes to {@link WebhookServer#tlsReloader()}. */
        public Builder tlsMaterial(TlsMaterial material) {
            this.tlsMaterial = Objects.requireNonNull(material, "material");
            this.tlsFiles = Optional.empty();
            return this;
        }

        public Builder tlsPollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("tlsPollInterval must be positive, not " + interval);
            }
            this.tlsPollInterval = interval;
            return this;
        }

        /** How long a connection may stay silent in the middle of a request. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder readinessCheck(ReadinessCheck check) {
            readinessChecks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * Also serves this service beside the webhook's own routes, on the same listener, TLS and filters (for
         * example the baseline endpoint of a benchmark).
         */
        public Builder service(HttpService service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        public Builder meterRegistry(PrometheusMeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Asks the client to close its connection after one response in every {@code responses}
         * ({@code Connection: close}); 0, the default, never does.
         */
        public Builder recycleConnectionsEvery(int responses) {
            if (responses < 0) {
                throw new IllegalArgumentException("recycleConnectionsEvery must not be negative, not " + responses);
            }
            this.recycleConnectionsEvery = responses;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public WebhookServer build() throws IOException, TlsMaterialException {
            Objects.requireNonNull(handlers, "handlers must be set");
            TlsMaterial initial = tlsMaterial;
            if (initial == null) {
                TlsFiles files = tlsFiles.orElseThrow(() -> new IllegalStateException("tlsFiles or tlsMaterial must be set"));
                initial = TlsMaterial.fromFiles(files.key(), files.chain());
            }
            return new WebhookServer(this, initial);
        }
    }
}
