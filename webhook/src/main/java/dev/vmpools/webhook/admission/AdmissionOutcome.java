package dev.vmpools.webhook.admission;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * What a handler decided, built only through the factories: {@link #allowed()},
 * {@link #allowedWithWarnings(String...)}, {@link #patched(JsonNode)}, {@link #patchedWith(ArrayNode)},
 * {@link #forbidden}, {@link #invalid}, {@link #denied} and {@link #errored(String)}.
 *
 * <p>Every outcome carries warnings (each trimmed to {@value #MAX_WARNING_LENGTH} characters, control
 * characters replaced) and audit annotations; the API server prefixes the annotation keys with the
 * webhook's name. {@code decision} and, for denials and errors, {@code reason} are added when the
 * response is written.
 */
public sealed interface AdmissionOutcome {

    /** Kubernetes shows longer warnings badly; the API convention is at most 120 characters. */
    int MAX_WARNING_LENGTH = 120;

    /** Audit annotation naming the pool the decision was about. */
    String AUDIT_POOL = "pool";
    /** Audit annotation with the decision: allowed, patched, denied or errored. */
    String AUDIT_DECISION = "decision";
    /** Audit annotation with the stable reason of a denial (or of an allowance, when a handler gives one). */
    String AUDIT_REASON = "reason";

    List<String> warnings();

    Map<String, String> auditAnnotations();

    /** The audit and metrics name of this outcome: allowed, patched, denied or errored. */
    String decision();

    AdmissionOutcome withWarning(String warning);

    AdmissionOutcome withAuditAnnotation(String key, String value);

    /** Names the pool in the audit annotations. */
    default AdmissionOutcome withPool(String pool) {
        return withAuditAnnotation(AUDIT_POOL, pool);
    }

    static Allowed allowed() {
        return new Allowed(List.of(), Map.of());
    }

    static Allowed allowedWithWarnings(String... warnings) {
        return new Allowed(Arrays.asList(warnings), Map.of());
    }

    /**
     * Admits the request with {@code mutatedObject} in place of the request's object. The HTTP layer
     * computes the JSON patch against the object bytes of the request; when nothing changed, the answer
     * carries neither patch nor patch type.
     */
    static Patched patched(JsonNode mutatedObject) {
        return new Patched(new Mutation.Replacement(mutatedObject), List.of(), Map.of());
    }

    /**
     * Admits the request with these RFC 6902 operations on the request's object, as a handler that knows
     * what it changes writes them (see {@link ObjectEdit}); with none, the answer carries neither patch nor
     * patch type.
     */
    static Patched patchedWith(ArrayNode operations) {
        return new Patched(new Mutation.Operations(operations), List.of(), Map.of());
    }

    /** 403: the requester may not do this. */
    static Denied forbidden(String reason, String message, Cause... causes) {
        return denied(403, reason, message, causes);
    }

    /** 422: the object is invalid. */
    static Denied invalid(String reason, String message, Cause... causes) {
        return denied(422, reason, message, causes);
    }

    /** A denial with any 4xx code (400 for requests the webhook cannot judge). */
    static Denied denied(int code, String reason, String message, Cause... causes) {
        return new Denied(code, reason, message, Arrays.asList(causes), List.of(), Map.of());
    }

    /** 500: the webhook failed; the request is not admitted. */
    static Errored errored(String message) {
        return new Errored(message, Map.of());
    }

    record Allowed(List<String> warnings, Map<String, String> auditAnnotations) implements AdmissionOutcome {
        public Allowed {
            warnings = trimmedWarnings(warnings);
            auditAnnotations = checkedAnnotations(auditAnnotations);
        }

        @Override
        public String decision() {
            return "allowed";
        }

        @Override
        public Allowed withWarning(String warning) {
            return new Allowed(plus(warnings, warning), auditAnnotations);
        }

        @Override
        public Allowed withAuditAnnotation(String key, String value) {
            return new Allowed(warnings, plus(auditAnnotations, key, value));
        }
    }

    record Patched(Mutation mutation, List<String> warnings, Map<String, String> auditAnnotations)
            implements AdmissionOutcome {
        public Patched {
            Objects.requireNonNull(mutation, "mutation");
            warnings = trimmedWarnings(warnings);
            auditAnnotations = checkedAnnotations(auditAnnotations);
        }

        @Override
        public String decision() {
            return "patched";
        }

        @Override
        public Patched withWarning(String warning) {
            return new Patched(mutation, plus(warnings, warning), auditAnnotations);
        }

        @Override
        public Patched withAuditAnnotation(String key, String value) {
            return new Patched(mutation, warnings, plus(auditAnnotations, key, value));
        }

        /** The same answer without a patch, for when the mutation changed nothing. */
        public Allowed unchanged() {
            return new Allowed(warnings, auditAnnotations);
        }
    }

    /** How a {@link Patched} answer changes the request's object. */
    sealed interface Mutation {

        /** The whole object as it is to be stored: the HTTP layer diffs it against the request's object bytes. */
        record Replacement(JsonNode object) implements Mutation {
            public Replacement {
                Objects.requireNonNull(object, "object");
                if (!object.isObject()) {
                    throw new IllegalArgumentException("patched object must be a JSON object, not " + object.getNodeType());
                }
            }
        }

        /** The RFC 6902 operations on the request's object, written by the handler. */
        record Operations(ArrayNode operations) implements Mutation {
            public Operations {
                Objects.requireNonNull(operations, "operations");
            }
        }
    }

    record Denied(int code, String reason, String message, List<Cause> causes, List<String> warnings,
                  Map<String, String> auditAnnotations) implements AdmissionOutcome {
        public Denied {
            if (code < 400 || code > 499) {
                throw new IllegalArgumentException("a denial's code must be 4xx, not " + code);
            }
            requireReason(reason);
            requireMessage(message);
            causes = List.copyOf(causes);
            warnings = trimmedWarnings(warnings);
            auditAnnotations = checkedAnnotations(auditAnnotations);
        }

        @Override
        public String decision() {
            return "denied";
        }

        @Override
        public Denied withWarning(String warning) {
            return new Denied(code, reason, message, causes, plus(warnings, warning), auditAnnotations);
        }

        @Override
        public Denied withAuditAnnotation(String key, String value) {
            return new Denied(code, reason, message, causes, warnings, plus(auditAnnotations, key, value));
        }
    }

    /** An internal failure; always code 500, reason {@code InternalError}. */
    record Errored(String message, Map<String, String> auditAnnotations) implements AdmissionOutcome {
        public static final String REASON = "InternalError";

        public Errored {
            requireMessage(message);
            auditAnnotations = checkedAnnotations(auditAnnotations);
        }

        public int code() {
            return 500;
        }

        @Override
        public List<String> warnings() {
            return List.of();
        }

        @Override
        public String decision() {
            return "errored";
        }

        @Override
        public Errored withWarning(String warning) {
            return this;
        }

        @Override
        public Errored withAuditAnnotation(String key, String value) {
            return new Errored(message, plus(auditAnnotations, key, value));
        }
    }

    /**
     * One entry of {@code status.details.causes}: the field (as a path such as {@code spec.permissions[1].may})
     * and what is wrong with it.
     */
    record Cause(Type type, String field, String message) {
        public Cause {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(field, "field");
            requireMessage(message);
        }

        public static Cause required(String field, String message) {
            return new Cause(Type.REQUIRED, field, message);
        }

        public static Cause invalid(String field, String message) {
            return new Cause(Type.INVALID, field, message);
        }

        public static Cause forbidden(String field, String message) {
            return new Cause(Type.FORBIDDEN, field, message);
        }

        public static Cause notSupported(String field, String message) {
            return new Cause(Type.NOT_SUPPORTED, field, message);
        }

        public static Cause duplicate(String field, String message) {
            return new Cause(Type.DUPLICATE, field, message);
        }

        /** The Kubernetes {@code CauseType} values used here. */
        public enum Type {
            REQUIRED("FieldValueRequired"),
            INVALID("FieldValueInvalid"),
            FORBIDDEN("FieldValueForbidden"),
            NOT_SUPPORTED("FieldValueNotSupported"),
            DUPLICATE("FieldValueDuplicate");

            private final String wireName;

            Type(String wireName) {
                this.wireName = wireName;
            }

            public String wireName() {
                return wireName;
            }
        }
    }

    private static void requireReason(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (!OutcomeChecks.PASCAL_CASE.matcher(reason).matches()) {
            throw new IllegalArgumentException("reason must be PascalCase (like NoGrant), not '" + reason + "'");
        }
    }

    private static void requireMessage(String message) {
        Objects.requireNonNull(message, "message");
        if (message.isBlank()) {
            throw new IllegalArgumentException("message must not be blank");
        }
    }

    private static List<String> trimmedWarnings(List<String> warnings) {
        if (warnings.isEmpty()) {
            return List.of(); // most outcomes: no stream for them
        }
        return warnings.stream().map(OutcomeChecks::trimWarning).filter(w -> !w.isEmpty()).toList();
    }

    private static Map<String, String> checkedAnnotations(Map<String, String> annotations) {
        annotations.forEach((key, value) -> {
            if (!OutcomeChecks.isAnnotationKey(key)) {
                throw new IllegalArgumentException("audit annotation key must be a name without prefix, not '" + key + "'");
            }
            Objects.requireNonNull(value, "audit annotation " + key);
        });
        return Map.copyOf(annotations);
    }

    private static List<String> plus(List<String> list, String element) {
        List<String> result = new ArrayList<>(list);
        result.add(Objects.requireNonNull(element, "warning"));
        return result;
    }

    private static Map<String, String> plus(Map<String, String> map, String key, String value) {
        Map<String, String> result = new LinkedHashMap<>(map);
        result.put(key, value);
        return result;
    }
}
