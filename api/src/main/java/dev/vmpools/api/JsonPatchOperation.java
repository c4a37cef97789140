package dev.vmpools.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import java.util.Set;

/**
 * One RFC 6902 operation; a list of them serialises to a JSON Patch body.
 *
 * @param op add, replace, remove or test
 * @param path a JSON pointer
 * @param value the value for add, replace and test; null for remove
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JsonPatchOperation(String op, String path, Object value) {
    private static final Set<String> OPS = Set.of("add", "replace", "remove", "test");

    public JsonPatchOperation {
        if (!OPS.contains(op)) {
            throw new IllegalArgumentException("op must be one of " + OPS + ", got " + op);
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must be a JSON pointer starting with '/', got " + path);
        }
        if (op.equals("remove") != (value == null)) {
            throw new IllegalArgumentException("value must be given for " + op + " and only then, at " + path);
        }
    }

    public static JsonPatchOperation add(String path, Object value) {
        return new JsonPatchOperation("add", path, Objects.requireNonNull(value, "value"));
    }

    public static JsonPatchOperation replace(String path, Object value) {
        return new JsonPatchOperation("replace", path, Objects.requireNonNull(value, "value"));
    }

    public static JsonPatchOperation test(String path, Object value) {
        return new JsonPatchOperation("test", path, Objects.requireNonNull(value, "value"));
    }
}
