package dev.vmpools.webhook.assignment;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vmpools.api.MetadataKeys;
import tools.jackson.databind.JsonNode;

/** The labels, annotations and finalizer that vmpools sets on a VmAssignment, and who changed which. */
final class ProtectedMetadata {

    static final List<String> LABELS = List.of(MetadataKeys.POOL_LABEL, MetadataKeys.USER_LABEL);
    static final List<String> ANNOTATIONS =
            List.of(MetadataKeys.POOL_ANNOTATION, MetadataKeys.USER_ANNOTATION, MetadataKeys.GRANTED_BY_ANNOTATION);

    private ProtectedMetadata() {
    }

    /** The field paths of the protected entries that differ between two {@code metadata} objects, in a fixed order. */
    static List<String> changes(JsonNode oldMetadata, JsonNode newMetadata) {
        List<String> changed = new ArrayList<>();
        for (String label : LABELS) {
            if (!entry(oldMetadata, "labels", label).equals(entry(newMetadata, "labels", label))) {
                changed.add("metadata.labels[" + label + "]");
            }
        }
        for (String annotation : ANNOTATIONS) {
            if (!entry(oldMetadata, "annotations", annotation).equals(entry(newMetadata, "annotations", annotation))) {
                changed.add("metadata.annotations[" + annotation + "]");
            }
        }
        if (hasFinalizer(oldMetadata) != hasFinalizer(newMetadata)) {
            changed.add("metadata.finalizers[" + MetadataKeys.FINALIZER + "]");
        }
        return changed;
    }

    private static Optional<String> entry(JsonNode metadata, String map, String key) {
        JsonNode value = metadata.path(map).get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.isString() ? value.stringValue() : value.toString());
    }

    private static boolean hasFinalizer(JsonNode metadata) {
        for (JsonNode finalizer : metadata.path("finalizers")) {
            if (finalizer.isString() && MetadataKeys.FINALIZER.equals(finalizer.stringValue())) {
                return true;
            }
        }
        return false;
    }
}
