package dev.vmpools.webhook.bench;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The least an admission webhook can do, as a baseline for what the API server's calls cost by themselves:
 * {@code POST /allow} parses the AdmissionReview and allows it, echoing its uid, with no rule and no patch.
 * Dry runs alone are denied, so that a probe can tell when the API server calls it.
 */
final class AllowingService implements HttpService {

    static final String PATH = "/allow";
    static final String PROBE_DENIED = "StandInDeniesDryRun";

    private final JsonMapper mapper = JsonMapper.builder().build();

    @Override
    public void routing(HttpRules rules) {
        rules.post(PATH, (httpRequest, response) -> {
            JsonNode review = mapper.readTree(httpRequest.content().as(byte[].class));
            ObjectNode answer = mapper.createObjectNode()
                    .put("apiVersion", "admission.k8s.io/v1")
                    .put("kind", "AdmissionReview");
            JsonNode request = review.path("request");
            ObjectNode result = answer.putObject("response").put("uid", request.path("uid").asString())
                    .put("allowed", !request.path("dryRun").asBoolean(false));
            if (request.path("dryRun").asBoolean(false)) {
                result.putObject("status").put("code", 403).put("reason", PROBE_DENIED).put("message", "dry runs are denied here");
            }
            response.headers().contentType(MediaTypes.APPLICATION_JSON);
            response.send(mapper.writeValueAsBytes(answer));
        });
    }
}
