package dev.vmpools.webhook.http;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /health/live}: 200 whenever the server answers. {@code /health/ready}: 200 when every
 * {@link ReadinessCheck} passes, else 503 naming the failing checks, so the Service sends admission
 * requests only to replicas that can judge them.
 */
public final class HealthService implements HttpService {

    private static final System.Logger LOG = System.getLogger(HealthService.class.getName());

    private final List<ReadinessCheck> checks;
    private final JsonMapper mapper;

    public HealthService(List<ReadinessCheck> checks, JsonMapper mapper) {
        this.checks = List.copyOf(checks);
        this.mapper = mapper;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/health/live", this::live)
                .get("/health/ready", this::ready);
    }

    /** The names of the checks that fail now, in the order they were given. */
    public List<String> failing() {
        List<String> failing = new ArrayList<>();
        for (ReadinessCheck check : checks) {
            if (!passes(check)) {
                failing.add(check.name());
            }
        }
        return failing;
    }

    private void live(ServerRequest request, ServerResponse response) {
        ObjectNode body = mapper.createObjectNode().put("status", "UP");
        send(response, 200, body);
    }

    private void ready(ServerRequest request, ServerResponse response) {
        List<String> failing = failing();
        ObjectNode body = mapper.createObjectNode().put("status", failing.isEmpty() ? "UP" : "DOWN");
        ObjectNode results = body.putObject("checks");
        checks.forEach(check -> results.put(check.name(), failing.contains(check.name()) ? "DOWN" : "UP"));
        if (!failing.isEmpty()) {
            failing.forEach(body.putArray("failing")::add);
        }
        send(response, failing.isEmpty() ? 200 : 503, body);
    }

    private static boolean passes(ReadinessCheck check) {
        try {
            return check.ready().getAsBoolean();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "readiness check " + check.name() + " failed", e);
            return false;
        }
    }

    private void send(ServerResponse response, int status, ObjectNode body) {
        response.status(status);
        response.headers().contentType(MediaTypes.APPLICATION_JSON);
        response.send(mapper.writeValueAsBytes(body));
    }
}
