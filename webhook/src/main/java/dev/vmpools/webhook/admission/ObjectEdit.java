package dev.vmpools.webhook.admission;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Edits of a JSON object, field by field, written as RFC 6902 operations against the object they apply to.
 * The operations are those {@link JsonPatches#diff} gives between the object and a copy with the edits made
 * in the order they were declared (the same minimal operations, in the same order), but the object is read
 * once and neither copied nor changed: a mutating handler that knows what it changes writes its patch
 * straight from its decision.
 *
 * <p>An edit of a nested object applies to the object in that field; a field that is missing gets an object
 * with the edits, a field that holds anything but an object is replaced by one. Likewise an array that must
 * {@link #include} an element gets it appended, and a missing or non-array field becomes an array of it.
 */
public final class ObjectEdit {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, Change> changes = new LinkedHashMap<>();

    private sealed interface Change {
    }

    private record Value(String value) implements Change {
    }

    private record Remove() implements Change {
    }

    private record Include(String element) implements Change {
    }

    private record Nested(ObjectEdit edit) implements Change {
    }

    /** {@code field} holds the string {@code value}. */
    public ObjectEdit set(String field, String value) {
        changes.put(Objects.requireNonNull(field, "field"), new Value(Objects.requireNonNull(value, "value")));
        return this;
    }

    /** {@code field} is absent. */
    public ObjectEdit remove(String field) {
        changes.put(Objects.requireNonNull(field, "field"), new Remove());
        return this;
    }

    /** The array in {@code field} holds the string {@code element} (appended when it does not). */
    public ObjectEdit include(String field, String element) {
        changes.put(Objects.requireNonNull(field, "field"), new Include(Objects.requireNonNull(element, "element")));
        return this;
    }

    /** The edits of the object in {@code field}, declared on the object returned. */
    public ObjectEdit object(String field) {
        if (changes.get(Objects.requireNonNull(field, "field")) instanceof Nested nested) {
            return nested.edit();
        }
        ObjectEdit edit = new ObjectEdit();
        changes.put(field, new Nested(edit));
        return edit;
    }

    /** The operations that make {@code original} as edited; an empty array when it already is. */
    public ArrayNode patch(ObjectNode original) {
        ArrayNode operations = NODES.arrayNode();
        diff("", Objects.requireNonNull(original, "original"), operations);
        return operations;
    }

    /** As the diff walks two objects: fields of the original in its order, then the fields it lacks in edit order. */
    private void diff(String path, ObjectNode original, ArrayNode operations) {
        int edited = 0;
        for (Map.Entry<String, JsonNode> field : original.properties()) {
            Change change = changes.get(field.getKey());
            if (change == null) {
                continue;
            }
            edited++;
            String at = path + "/" + JsonPatches.escape(field.getKey());
            JsonNode current = field.getValue();
            switch (change) {
                case Value value -> {
                    if (!current.isString() || !current.stringValue().equals(value.value())) {
                        operation(operations, "replace", at).put("value", value.value());
                    }
                }
                case Remove ignored -> operation(operations, "remove", at);
                case Nested nested -> {
                    if (current instanceof ObjectNode object) {
                        nested.edit().diff(at, object, operations);
                    } else {
                        operation(operations, "replace", at).set("value", nested.edit().created());
                    }
                }
                case Include include -> {
                    if (current instanceof ArrayNode array) {
                        if (!holds(array, include.element())) {
                            operation(operations, "add", at + "/" + array.size()).put("value", include.element());
                        }
                    } else {
                        operation(operations, "replace", at).set("value", NODES.arrayNode().add(include.element()));
                    }
                }
            }
        }
        if (edited == changes.size()) {
            return;
        }
        for (Map.Entry<String, Change> entry : changes.entrySet()) {
            if (original.has(entry.getKey())) {
                continue;
            }
            String at = path + "/" + JsonPatches.escape(entry.getKey());
            switch (entry.getValue()) {
                case Value value -> operation(operations, "add", at).put("value", value.value());
                case Remove ignored -> { }
                case Nested nested -> operation(operations, "add", at).set("value", nested.edit().created());
                case Include include -> operation(operations, "add", at).set("value", NODES.arrayNode().add(include.element()));
            }
        }
    }

    /** The object these edits make of an empty one. */
    private ObjectNode created() {
        ObjectNode object = NODES.objectNode();
        changes.forEach((field, change) -> {
            switch (change) {
                case Value value -> object.put(field, value.value());
                case Remove ignored -> { }
                case Nested nested -> object.set(field, nested.edit().created());
                case Include include -> object.putArray(field).add(include.element());
            }
        });
        return object;
    }

    private static boolean holds(ArrayNode array, String element) {
        for (JsonNode value : array) {
            if (value.isString() && value.stringValue().equals(element)) {
                return true;
            }
        }
        return false;
    }

    private static ObjectNode operation(ArrayNode operations, String op, String path) {
        return operations.addObject().put("op", op).put("path", path);
    }
}
