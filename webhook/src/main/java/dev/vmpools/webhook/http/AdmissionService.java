package dev.vmpools.webhook.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import dev.vmpools.webhook.admission.AdmissionHandler;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.admission.AdmissionReviews.Parsed;
import dev.vmpools.webhook.admission.JsonPatches;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaType;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import tools.jackson.databind.node.ArrayNode;

/**
 * POST endpoints for AdmissionReviews. This class alone does the hardening, so handlers see only
 * well-formed requests of their kind: a body over {@value #MAX_BODY_BYTES} bytes is 413, a content type
 * other than {@code application/json} is 415, a body that is no AdmissionReview with a uid is 400 (with a
 * Kubernetes {@code Status} saying why); a review of the wrong kind, operation or subresource is denied,
 * and a handler that throws yields {@code allowed: false}, code 500, with the uid echoed.
 */
public final class AdmissionService implements HttpService {

    /** The API server's own request limit; nothing larger comes from it. */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
    /** Announced bodies up to this size are read into one array of their size, allocated before they arrive. */
    static final int EXACT_READ_BYTES = 64 * 1024;
    public static final String UNSUPPORTED_KIND = "UnsupportedKind";
    public static final String UNSUPPORTED_SUBRESOURCE = "UnsupportedSubresource";

    private static final System.Logger LOG = System.getLogger(AdmissionService.class.getName());

    private final Map<Endpoint, AdmissionHandler> handlers;
    private final AdmissionReviews reviews;
    private final AdmissionMetrics metrics;

    public AdmissionService(AdmissionHandlers handlers, AdmissionReviews reviews, AdmissionMetrics metrics) {
        this.handlers = handlers.byEndpoint();
        this.reviews = Objects.requireNonNull(reviews, "reviews");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * An HTTP answer: status code, JSON body, the labels it is counted under, and whether the connection
     * must close because part of the request body is still unread on it.
     */
    public record Answer(int status, byte[] body, String operation, String decision, boolean close) {
    }

    @Override
    public void routing(HttpRules rules) {
        for (Endpoint endpoint : Endpoint.values()) {
            rules.post(endpoint.path(), (request, response) -> serve(endpoint, request, response));
        }
    }

    private void serve(Endpoint endpoint, ServerRequest request, ServerResponse response) {
        long start = System.nanoTime();
        Answer answer;
        try {
            answer = answer(endpoint, request);
        } catch (RuntimeException | StackOverflowError e) {
            // A bug outside any handler: still an answer, and the connection lives on.
            LOG.log(Level.ERROR, "admission request on " + endpoint.path() + " failed", e);
            answer = rejection(500, AdmissionOutcome.Errored.REASON, "the vmpools webhook failed on this request ("
                    + e.getClass().getSimpleName() + ")");
        }
        metrics.record(endpoint, answer.operation(), answer.decision(), System.nanoTime() - start);
        response.status(answer.status());
        response.headers().contentType(MediaTypes.APPLICATION_JSON);
        if (answer.close()) {
            response.header(HeaderValues.CONNECTION_CLOSE);
        }
        response.send(answer.body());
    }

    private Answer answer(Endpoint endpoint, ServerRequest request) {
        OptionalLong length = contentLength(request);
        if (length.isPresent() && length.getAsLong() > MAX_BODY_BYTES) {
            return tooLarge(length.getAsLong() + " bytes");
        }
        if (!isJson(request)) {
            return rejection(415, "UnsupportedMediaType", "Content-Type must be application/json, not "
                    + request.headers().contentType().map(type -> type.mediaType().text()).orElse("none"));
        }
        byte[] body;
        try {
            // Not closed: closing reads on, and Helidon discards or closes what is left itself.
            body = read(request.content().inputStream(), length);
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.DEBUG, () -> "admission request body on " + endpoint.path() + " could not be read: " + e);
            return unread(rejection(400, "BadRequest", "the request body could not be read: " + e.getMessage()));
        } catch (RequestException e) {
            // Helidon enforces the listener's payload limit on chunked bodies as they are read.
            if (e.status().code() == 413) {
                return tooLarge("more than " + MAX_BODY_BYTES + " bytes");
            }
            return unread(rejection(400, "BadRequest", "the request body could not be read (" + e.status() + ")"));
        }
        if (body.length > MAX_BODY_BYTES) {
            return tooLarge("more than " + MAX_BODY_BYTES + " bytes");
        }
        return review(endpoint, body);
    }

    /**
     * The body, read to the end of the entity. A body of an announced length up to {@value #EXACT_READ_BYTES} bytes
     * (every review from the API server) goes into one array of its size; any other is read in chunks up to one
     * byte past the limit, so that an oversized chunked body shows as such.
     */
    private static byte[] read(InputStream in, OptionalLong length) throws IOException {
        if (length.isEmpty() || length.getAsLong() > EXACT_READ_BYTES) {
            return in.readNBytes(MAX_BODY_BYTES + 1);
        }
        byte[] body = new byte[(int) length.getAsLong()];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
            return Arrays.copyOf(body, read);
        }
        // The end of the entity, as a chunked read reaches it.
        in.read();
        return body;
    }

    /** The answer to a JSON body within the size limit: every check after the HTTP ones. */
    public Answer review(Endpoint endpoint, byte[] body) {
        return switch (reviews.parse(body)) {
            case Parsed.Malformed malformed -> rejection(400, "BadRequest", malformed.message());
            case Parsed.Refused refused -> {
                LOG.log(Level.DEBUG, () -> "refused admission request uid=" + refused.uid() + " on " + endpoint.path()
                        + ": " + refused.denial().message());
                yield answer(refused.uid(), AdmissionMetrics.UNKNOWN_OPERATION, refused.denial(), emptyPatch());
            }
            case Parsed.Review review -> decide(endpoint, review.request(), body);
        };
    }

    private Answer decide(Endpoint endpoint, AdmissionRequest request, byte[] body) {
        String operation = request.operation().name();
        AdmissionOutcome outcome;
        ArrayNode patch = emptyPatch();
        try {
            outcome = mismatch(endpoint, request)
                    .orElseGet(() -> Objects.requireNonNull(handlers.get(endpoint).handle(request), "handler returned no outcome"));
            if (outcome instanceof AdmissionOutcome.Patched patched) {
                if (!endpoint.mutating()) {
                    throw new IllegalStateException("validating endpoint " + endpoint.path() + " answered with a patch");
                }
                patch = switch (patched.mutation()) {
                    case AdmissionOutcome.Mutation.Operations operations -> operations.operations();
                    // Against the object read again from the bytes: the handler may have edited the parsed tree in place.
                    case AdmissionOutcome.Mutation.Replacement replacement -> JsonPatches.diff(reviews.object(body), replacement.object());
                };
                if (patch.isEmpty()) {
                    outcome = patched.unchanged();
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            LOG.log(Level.WARNING, "admission handler failed for uid=" + request.uid() + " " + describe(request), e);
            outcome = AdmissionOutcome.errored("the vmpools webhook failed on this request (" + e.getClass().getSimpleName()
                    + "); its log names uid " + request.uid());
            patch = emptyPatch();
        }
        log(request, outcome);
        try {
            return answer(request.uid(), operation, outcome, patch);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admission answer could not be written for uid=" + request.uid() + " "
                    + describe(request), e);
            return answer(request.uid(), operation, AdmissionOutcome.errored("the vmpools webhook could not write its"
                    + " answer (" + e.getClass().getSimpleName() + "); its log names uid " + request.uid()), emptyPatch());
        }
    }

    private Answer answer(String uid, String operation, AdmissionOutcome outcome, ArrayNode patch) {
        return new Answer(200, reviews.response(uid, outcome, patch), operation, outcome.decision(), false);
    }

    /** A denial when the request is not of this endpoint's kind, operations or (no) subresource. */
    private static Optional<AdmissionOutcome> mismatch(Endpoint endpoint, AdmissionRequest request) {
        AdmissionRequest.Kind kind = request.kind();
        if (!endpoint.group().equals(kind.group()) || !endpoint.kind().equals(kind.kind())) {
            return Optional.of(AdmissionOutcome.denied(400, UNSUPPORTED_KIND, endpoint.path() + " judges " + endpoint.kind() + "."
                    + endpoint.group() + ", not " + kind.kind() + "." + kind.group()
                    + "; the webhook configuration's rules send the wrong resources here"));
        }
        if (!endpoint.operations().contains(request.operation())) {
            return Optional.of(AdmissionOutcome.denied(400, AdmissionReviews.UNSUPPORTED_OPERATION, endpoint.path() + " judges "
                    + endpoint.operations().stream().map(Enum::name).sorted().toList() + " of " + endpoint.kind()
                    + ", not " + request.operation() + "; the webhook configuration's rules send the wrong operations here"));
        }
        if (!request.subResource().isEmpty()) {
            return Optional.of(AdmissionOutcome.denied(400, UNSUPPORTED_SUBRESOURCE, endpoint.path() + " judges "
                    + endpoint.kind() + " objects, not their " + request.subResource() + " subresource"));
        }
        return Optional.empty();
    }

    private Answer tooLarge(String size) {
        return unread(rejection(413, "RequestEntityTooLarge", "request body is " + size + "; the limit is "
                + MAX_BODY_BYTES + " bytes"));
    }

    private Answer rejection(int status, String reason, String message) {
        return new Answer(status, reviews.status(status, reason, message), AdmissionMetrics.UNKNOWN_OPERATION,
                AdmissionMetrics.REJECTED, false);
    }

    /** The answer, on a connection that cannot carry another request: its body was not read to the end. */
    private static Answer unread(Answer answer) {
        return new Answer(answer.status(), answer.body(), answer.operation(), answer.decision(), true);
    }

    private ArrayNode emptyPatch() {
        return reviews.mapper().createArrayNode();
    }

    /**
     * The announced body length, read from the header here: Helidon's typed {@code contentLength()} looks a
     * mapper up in its service registry on every call. A value that is no length counts as none.
     */
    private static OptionalLong contentLength(ServerRequest request) {
        Optional<String> value = request.headers().first(HeaderNames.CONTENT_LENGTH);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long length = Long.parseLong(value.get().trim());
            return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean isJson(ServerRequest request) {
        return request.headers().contentType()
                .map(HttpMediaType::mediaType)
                .map(type -> type.text().toLowerCase(Locale.ROOT).equals("application/json"))
                .orElse(false);
    }

    private static void log(AdmissionRequest request, AdmissionOutcome outcome) {
        switch (outcome) {
            case AdmissionOutcome.Denied denied -> LOG.log(Level.INFO, () -> "denied " + describe(request) + " uid="
                    + request.uid() + " code=" + denied.code() + " reason=" + denied.reason() + ": " + denied.message());
            case AdmissionOutcome.Errored ignored -> { } // logged with its stack trace where it happened
            default -> LOG.log(Level.DEBUG, () -> outcome.decision() + " " + describe(request) + " uid=" + request.uid());
        }
    }

    private static String describe(AdmissionRequest request) {
        String object = request.namespace().isEmpty() ? request.name() : request.namespace() + "/" + request.name();
        return request.operation() + " " + request.kind().kind() + " " + object + " by " + request.userInfo().username();
    }
}
