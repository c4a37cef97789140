package dev.vmpools.webhook.assignment;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * A VmAssignment's spec as written in a request. The mutating webhook runs before the API server checks
 * the schema, so fields may have the wrong type: those are listed in {@code malformed}.
 *
 * @param pool {@code spec.pool}, empty when absent
 * @param user {@code spec.user}, empty when absent or empty
 * @param malformed the fields that are not strings
 */
public record AssignmentSpec(String pool, Optional<String> user, List<String> malformed) {

    public AssignmentSpec {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(user, "user");
        malformed = List.copyOf(malformed);
    }

    public static AssignmentSpec of(String pool, String user) {
        return new AssignmentSpec(pool, Optional.ofNullable(user).filter(u -> !u.isEmpty()), List.of());
    }

    /** Reads {@code spec} of a VmAssignment object (a missing object or spec reads as empty). */
    public static AssignmentSpec read(JsonNode object) {
        JsonNode spec = object == null ? null : object.get("spec");
        List<String> malformed = new ArrayList<>();
        if (spec != null && !spec.isNull() && !spec.isObject()) {
            return new AssignmentSpec("", Optional.empty(), List.of("spec"));
        }
        String pool = text(spec, "pool", malformed);
        String user = text(spec, "user", malformed);
        return new AssignmentSpec(pool, Optional.of(user).filter(u -> !u.isEmpty()), malformed);
    }

    private static String text(JsonNode spec, String field, List<String> malformed) {
        JsonNode value = spec == null ? null : spec.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isString()) {
            malformed.add("spec." + field);
            return "";
        }
        return value.stringValue();
    }
}
