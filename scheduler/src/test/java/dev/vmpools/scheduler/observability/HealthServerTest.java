package dev.vmpools.scheduler.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An HTTP test of the local health and metrics server (a socket on 127.0.0.1, nothing else). */
class HealthServerTest {
    private final AtomicBoolean live = new AtomicBoolean(true);
    private final AtomicBoolean ready = new AtomicBoolean(false);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();
    private HealthServer server;

    @BeforeEach
    void start() throws Exception {
        server = HealthServer.start(0, live::get, ready::get, registry);
        new SchedulerMetrics(registry, () -> 3).result("Assigned");
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
        http.close();
    }

    @Test
    void readinessFollowsTheCachesAndLivenessTheWorkers() throws Exception {
        assertThat(get("GET", "/health/ready").statusCode()).isEqualTo(503);
        assertThat(get("GET", "/health/live").statusCode()).isEqualTo(200);

        ready.set(true);
        live.set(false);

        assertThat(get("GET", "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("GET", "/health/live").statusCode()).isEqualTo(503);
    }

    @Test
    void metricsAreInThePrometheusTextFormat() throws Exception {
        HttpResponse<String> metrics = get("GET", "/metrics");

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).contains("vmpools_scheduler_assignments_total{result=\"Assigned\"} 1.0",
                "vmpools_scheduler_waiting 3.0", "vmpools_scheduler_lease_conflicts_total 0.0");
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "GET, /health, 404",
        "GET, /health/ready/more, 404",
        "GET, /metricsx, 404",
        "POST, /metrics, 405",
        "DELETE, /health/live, 405",
        "HEAD, /health/live, 200",
    })
    void answersOnlyWhatItServes(String method, String path, int status) throws Exception {
        assertThat(get(method, path).statusCode()).isEqualTo(status);
    }

    private HttpResponse<String> get(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
