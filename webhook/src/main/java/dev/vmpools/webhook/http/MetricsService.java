package dev.vmpools.webhook.http;

import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** {@code GET /metrics} in the Prometheus text format. */
public final class MetricsService implements HttpService {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsService(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/metrics", this::scrape);
    }

    private void scrape(ServerRequest request, ServerResponse response) {
        response.headers().set(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        response.send(registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
