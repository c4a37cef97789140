package dev.vmpools.webhook.admission;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code AdmissionReview.request}, read strictly from the request bytes.
 *
 * <p>{@code object} and {@code oldObject} are JSON trees parsed from the bytes the API server sent, so no
 * field is lost to a model class; a handler may convert them to typed objects or modify them (a mutating
 * handler answers with the modified tree, and the patch is computed against the request bytes again).
 *
 * @param uid         the request's uid, echoed in the response
 * @param kind        the kind of the object (group may be empty for the core group)
 * @param resource    the resource being requested
 * @param subResource the subresource, empty when none
 * @param name        the object's name, empty when not yet known ({@code generateName})
 * @param namespace   the object's namespace, empty for cluster-scoped objects
 * @param operation   the operation
 * @param userInfo    the requester
 * @param object      the new object (absent for DELETE)
 * @param oldObject   the existing object (UPDATE and DELETE)
 * @param dryRun      true when nothing will be stored
 */
public record AdmissionRequest(
        String uid,
        Kind kind,
        Resource resource,
        String subResource,
        String name,
        String namespace,
        Operation operation,
        UserInfo userInfo,
        Optional<ObjectNode> object,
        Optional<ObjectNode> oldObject,
        boolean dryRun) {

    public AdmissionRequest {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(subResource, "subResource");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(userInfo, "userInfo");
        Objects.requireNonNull(object, "object");
        Objects.requireNonNull(oldObject, "oldObject");
    }

    /** {@code request.kind}: group (empty for core), version and kind. */
    public record Kind(String group, String version, String kind) {
        public Kind {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(kind, "kind");
        }
    }

    /** {@code request.resource}: group, version and plural resource name. */
    public record Resource(String group, String version, String resource) {
        public Resource {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(resource, "resource");
        }
    }

    /** {@code request.userInfo}, exactly as authenticated (no prefix stripped here). */
    public record UserInfo(String username, String uid, List<String> groups, Map<String, List<String>> extra) {
        public UserInfo {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(uid, "uid");
            groups = List.copyOf(groups);
            extra = Map.copyOf(extra);
        }
    }
}
