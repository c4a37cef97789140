package dev.vmpools.webhook.admission;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.Base64Variants;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Reads {@code admission.k8s.io/v1} AdmissionReview requests and writes their responses.
 *
 * <p>Reading is strict and never throws: a body that is no AdmissionReview with a uid is
 * {@link Parsed.Malformed} (the HTTP layer answers 400); a review with a uid but a broken or unsupported
 * request is {@link Parsed.Refused}, answered as a denial that echoes the uid so the requester sees why.
 */
public final class AdmissionReviews {

    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";
    /** Jackson's default; far deeper than any Kubernetes object, shallow enough for every recursive walk. */
    public static final int MAX_NESTING_DEPTH = 500;
    /** The API server sends UUIDs; anything much longer is not from it. */
    public static final int MAX_UID_LENGTH = 128;

    /** Reason of a denial for a request whose fields have the wrong shape. */
    public static final String BAD_REQUEST = "BadAdmissionRequest";
    /** Reason of a denial for an operation this webhook does not know. */
    public static final String UNSUPPORTED_OPERATION = "UnsupportedOperation";

    /** Room for an answer without patch; a patch adds its Base64 length. */
    private static final int RESPONSE_BUFFER_BYTES = 512;
    /** Room for the patch of a VmAssignment CREATE. */
    private static final int PATCH_BUFFER_BYTES = 512;

    private final JsonMapper mapper;

    public AdmissionReviews() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    /** The mapper used for reviews; handlers may use it to convert objects to model classes. */
    public JsonMapper mapper() {
        return mapper;
    }

    /** The result of reading a request body. */
    public sealed interface Parsed {
        /** A well-formed request. */
        record Review(AdmissionRequest request) implements Parsed {
        }

        /** Not an AdmissionReview with a request uid: the message says what is wrong. */
        record Malformed(String message) implements Parsed {
        }

        /** A review with a uid that cannot be judged (wrong field types, unknown operation). */
        record Refused(String uid, AdmissionOutcome.Denied denial) implements Parsed {
        }
    }

    public Parsed parse(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            return new Parsed.Malformed("request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return new Parsed.Malformed("request body must be a JSON object (an AdmissionReview)");
        }
        if (!API_VERSION.equals(root.path("apiVersion").asString(null)) || !KIND.equals(root.path("kind").asString(null))) {
            return new Parsed.Malformed("expected apiVersion " + API_VERSION + " and kind " + KIND
                    + " (configure admissionReviewVersions: [v1])");
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            return new Parsed.Malformed("AdmissionReview has no request object");
        }
        JsonNode uid = request.get("uid");
        if (uid == null || !uid.isString() || uid.stringValue().isBlank()) {
            return new Parsed.Malformed("request.uid must be a non-empty string");
        }
        if (uid.stringValue().length() > MAX_UID_LENGTH) {
            return new Parsed.Malformed("request.uid is longer than " + MAX_UID_LENGTH + " characters");
        }
        try {
            return new Parsed.Review(request(uid.stringValue(), (ObjectNode) request));
        } catch (BadField e) {
            return new Parsed.Refused(uid.stringValue(), AdmissionOutcome.denied(400, e.reason, e.getMessage()));
        }
    }

    /**
     * {@code request.object} of a body that {@link #parse} read as a {@link Parsed.Review}, read again from the
     * bytes: the object exactly as the API server sent it, whatever a handler did to its tree. An empty object
     * when the request has none.
     */
    public ObjectNode object(byte[] body) {
        return mapper.readTree(body).path("request").get("object") instanceof ObjectNode object
                ? object : mapper.createObjectNode();
    }

    /**
     * The response for {@code uid}. {@code patch} is written for a {@link AdmissionOutcome.Patched} outcome
     * only, and must not be empty then (a mutation that changed nothing is {@link AdmissionOutcome.Patched#unchanged()}).
     */
    public byte[] response(String uid, AdmissionOutcome outcome, ArrayNode patch) {
        boolean allowed = outcome instanceof AdmissionOutcome.Allowed || outcome instanceof AdmissionOutcome.Patched;
        byte[] operations = null;
        if (outcome instanceof AdmissionOutcome.Patched) {
            if (patch.isEmpty()) {
                throw new IllegalArgumentException("a patched answer needs patch operations; use Patched.unchanged()");
            }
            operations = patch(patch);
        }
        // Written as a stream, not built as a tree first: this is every request's answer.
        int base64 = operations == null ? 0 : (operations.length + 2) / 3 * 4;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(RESPONSE_BUFFER_BYTES + base64);
        try (JsonGenerator json = mapper.createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringProperty("apiVersion", API_VERSION);
            json.writeStringProperty("kind", KIND);
            json.writeObjectPropertyStart("response");
            json.writeStringProperty("uid", uid);
            json.writeBooleanProperty("allowed", allowed);
            if (operations != null) {
                json.writeStringProperty("patchType", "JSONPatch");
                json.writeName("patch");
                json.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, operations, 0, operations.length);
            }
            switch (outcome) {
                case AdmissionOutcome.Denied denied -> status(json, denied.code(), denied.reason(), denied.message(), denied.causes());
                case AdmissionOutcome.Errored errored -> status(json, errored.code(), AdmissionOutcome.Errored.REASON, errored.message(), List.of());
                case AdmissionOutcome.Allowed ignored -> { }
                case AdmissionOutcome.Patched ignored -> { }
            }
            if (!outcome.warnings().isEmpty()) {
                json.writeArrayPropertyStart("warnings");
                for (String warning : outcome.warnings()) {
                    json.writeString(warning);
                }
                json.writeEndArray();
            }
            json.writeObjectPropertyStart("auditAnnotations");
            for (Map.Entry<String, String> annotation : auditAnnotations(outcome).entrySet()) {
                json.writeStringProperty(annotation.getKey(), annotation.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
            json.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** The patch as JSON, written token by token: the same bytes as the mapper writes, at a fraction of its cost per call. */
    private byte[] patch(ArrayNode patch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(PATCH_BUFFER_BYTES);
        try (JsonGenerator json = mapper.createGenerator(bytes)) {
            write(json, patch);
        }
        return bytes.toByteArray();
    }

    private static void write(JsonGenerator json, JsonNode node) {
        switch (node) {
            case StringNode string -> json.writeString(string.stringValue());
            case ObjectNode object -> {
                json.writeStartObject();
                for (Map.Entry<String, JsonNode> property : object.properties()) {
                    json.writeName(property.getKey());
                    write(json, property.getValue());
                }
                json.writeEndObject();
            }
            case ArrayNode array -> {
                json.writeStartArray();
                for (JsonNode element : array) {
                    write(json, element);
                }
                json.writeEndArray();
            }
            // Numbers, booleans, null and the rest as Jackson renders them.
            default -> json.writeTree(node);
        }
    }

    /** A Kubernetes {@code Status} body for answers that are not AdmissionReviews (400, 413, 415, 503). */
    public byte[] status(int code, String reason, String message) {
        ObjectNode status = mapper.createObjectNode();
        status.put("apiVersion", "v1");
        status.put("kind", "Status");
        status.put("status", "Failure");
        status.put("code", code);
        status.put("reason", reason);
        status.put("message", message);
        return mapper.writeValueAsBytes(status);
    }

    private static Map<String, String> auditAnnotations(AdmissionOutcome outcome) {
        Map<String, String> audit = new LinkedHashMap<>(outcome.auditAnnotations());
        audit.put(AdmissionOutcome.AUDIT_DECISION, outcome.decision());
        switch (outcome) {
            case AdmissionOutcome.Denied denied -> audit.put(AdmissionOutcome.AUDIT_REASON, denied.reason());
            case AdmissionOutcome.Errored ignored -> audit.put(AdmissionOutcome.AUDIT_REASON, AdmissionOutcome.Errored.REASON);
            default -> { }
        }
        return audit;
    }

    private static void status(JsonGenerator json, int code, String reason, String message,
                               List<AdmissionOutcome.Cause> causes) {
        json.writeObjectPropertyStart("status");
        json.writeStringProperty("status", "Failure");
        json.writeNumberProperty("code", code);
        json.writeStringProperty("reason", reason);
        json.writeStringProperty("message", message);
        if (!causes.isEmpty()) {
            json.writeObjectPropertyStart("details");
            json.writeArrayPropertyStart("causes");
            for (AdmissionOutcome.Cause cause : causes) {
                json.writeStartObject();
                json.writeStringProperty("reason", cause.type().wireName());
                json.writeStringProperty("message", cause.message());
                json.writeStringProperty("field", cause.field());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static AdmissionRequest request(String uid, ObjectNode request) {
        ObjectNode kind = object(request, "kind", true);
        ObjectNode resource = object(request, "resource", true);
        String operationName = string(request, "operation", true);
        Operation operation = Operation.of(operationName).orElseThrow(() -> new BadField(UNSUPPORTED_OPERATION,
                "operation '" + abbreviate(operationName) + "' is not one of CREATE, UPDATE, DELETE, CONNECT"));
        ObjectNode userInfo = object(request, "userInfo", true);
        return new AdmissionRequest(
                uid,
                new AdmissionRequest.Kind(string(kind, "group", false, "request.kind."), string(kind, "version", true, "request.kind."),
                        string(kind, "kind", true, "request.kind.")),
                new AdmissionRequest.Resource(string(resource, "group", false, "request.resource."),
                        string(resource, "version", true, "request.resource."), string(resource, "resource", true, "request.resource.")),
                string(request, "subResource", false),
                string(request, "name", false),
                string(request, "namespace", false),
                operation,
                new AdmissionRequest.UserInfo(string(userInfo, "username", true, "request.userInfo."),
                        string(userInfo, "uid", false, "request.userInfo."),
                        strings(userInfo.get("groups"), "request.userInfo.groups"),
                        extra(userInfo.get("extra"))),
                optionalObject(request, "object"),
                optionalObject(request, "oldObject"),
                bool(request, "dryRun"));
    }

    private static ObjectNode object(ObjectNode parent, String field, boolean required) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new BadField(BAD_REQUEST, "request." + field + " is missing");
            }
            return null;
        }
        if (!node.isObject()) {
            throw new BadField(BAD_REQUEST, "request." + field + " must be an object, not " + typeOf(node));
        }
        return (ObjectNode) node;
    }

    private static Optional<ObjectNode> optionalObject(ObjectNode parent, String field) {
        return Optional.ofNullable(object(parent, field, false));
    }

    private static String string(ObjectNode parent, String field, boolean required) {
        return string(parent, field, required, "request.");
    }

    private static String string(ObjectNode parent, String field, boolean required, String path) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw new BadField(BAD_REQUEST, path + field + " is missing");
            }
            return "";
        }
        if (!node.isString()) {
            throw new BadField(BAD_REQUEST, path + field + " must be a string, not " + typeOf(node));
        }
        if (required && node.stringValue().isEmpty()) {
            throw new BadField(BAD_REQUEST, path + field + " must not be empty");
        }
        return node.stringValue();
    }

    private static List<String> strings(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new BadField(BAD_REQUEST, path + " must be an array of strings, not " + typeOf(node));
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isString()) {
                throw new BadField(BAD_REQUEST, path + " must be an array of strings, but holds " + typeOf(element));
            }
            values.add(element.stringValue());
        }
        return values;
    }

    private static Map<String, List<String>> extra(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new BadField(BAD_REQUEST, "request.userInfo.extra must be an object, not " + typeOf(node));
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            extra.put(entry.getKey(), List.copyOf(strings(entry.getValue(), "request.userInfo.extra." + abbreviate(entry.getKey()))));
        }
        return extra;
    }

    private static boolean bool(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new BadField(BAD_REQUEST, "request." + field + " must be a boolean, not " + typeOf(node));
        }
        return node.booleanValue();
    }

    private static String typeOf(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Keeps echoed input short: messages end up in kubectl output and audit logs. */
    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }

    /** A field of the request with the wrong shape; carries the denial reason. */
    private static final class BadField extends RuntimeException {
        private final String reason;

        BadField(String reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
