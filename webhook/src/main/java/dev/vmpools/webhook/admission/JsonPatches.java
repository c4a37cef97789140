package dev.vmpools.webhook.admission;

import java.util.EnumSet;

import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * RFC 6902 patches between the object as the API server sent it and the object a mutating handler
 * returned. Only {@code add}, {@code remove} and {@code replace}: easy to read in an audit log, and
 * fields the handler does not model are never touched because the diff runs on the raw trees.
 */
public final class JsonPatches {

    private static final EnumSet<DiffFlags> FLAGS =
            EnumSet.of(DiffFlags.OMIT_MOVE_OPERATION, DiffFlags.OMIT_COPY_OPERATION, DiffFlags.OMIT_VALUE_ON_REMOVE);

    private JsonPatches() {
    }

    /** The operations that turn {@code original} into {@code mutated}; an empty array when they are equal. */
    public static ArrayNode diff(JsonNode original, JsonNode mutated) {
        return (ArrayNode) JsonDiff.asJson(original, mutated, FLAGS);
    }

    /** A field name as a token of a JSON pointer (RFC 6901): {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
    public static String escape(String field) {
        if (field.indexOf('~') < 0 && field.indexOf('/') < 0) {
            return field;
        }
        return field.replace("~", "~0").replace("/", "~1");
    }
}
