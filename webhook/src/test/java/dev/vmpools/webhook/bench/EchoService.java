package dev.vmpools.webhook.bench;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** The baseline of the throughput benchmark: {@code POST /echo} answers the request body, and does nothing else. */
final class EchoService implements HttpService {

    static final String PATH = "/echo";

    @Override
    public void routing(HttpRules rules) {
        rules.post(PATH, (request, response) -> {
            byte[] body = request.content().as(byte[].class);
            response.headers().contentType(MediaTypes.APPLICATION_JSON);
            response.send(body);
        });
    }
}
