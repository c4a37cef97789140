package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.permission.GrantedBy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A VmAssignment as the planner sees it.
 *
 * @param name the request's name
 * @param uid its uid; with the name it is the Lease's holder identity
 * @param resourceVersion as read, for metadata updates
 * @param generation {@code metadata.generation}
 * @param created {@code creationTimestamp}: with the name, the first-come order
 * @param deleted {@code deletionTimestamp}, if the request is being deleted
 * @param pool {@code spec.pool}
 * @param user {@code spec.user}; null when a request that bypassed admission has none
 * @param grantedBy the annotation {@code vmpools.dev/granted-by}; a missing or unreadable one reads as
 *     {@link GrantedBy#bypass()}
 * @param finalizers {@code metadata.finalizers}
 * @param labels {@code metadata.labels} (ours are enough)
 * @param annotations {@code metadata.annotations} (ours are enough)
 * @param status the status as last written, if readable
 */
public record RequestState(String name, String uid, String resourceVersion, long generation, Instant created,
        Optional<Instant> deleted, String pool, String user, GrantedBy grantedBy, List<String> finalizers,
        Map<String, String> labels, Map<String, String> annotations, Optional<RequestStatus> status) {

    public RequestState {
        Checks.name(name, "name");
        Checks.name(uid, "uid");
        Checks.name(resourceVersion, "resourceVersion");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(deleted, "deleted");
        Checks.name(pool, "pool");
        Objects.requireNonNull(grantedBy, "grantedBy");
        finalizers = List.copyOf(Objects.requireNonNull(finalizers, "finalizers"));
        labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
        annotations = Map.copyOf(Objects.requireNonNull(annotations, "annotations"));
        Objects.requireNonNull(status, "status");
    }

    /** The Lease holder identity of this request: {@code <name>/<uid>}. */
    public String identity() {
        return name + "/" + uid;
    }

    /** Whether the request is being deleted. */
    public boolean deleting() {
        return deleted.isPresent();
    }

    /** Whether our finalizer is on the request. */
    public boolean hasFinalizer() {
        return finalizers.contains(MetadataKeys.FINALIZER);
    }

    /** Whether {@code spec.user} is set. */
    public boolean hasUser() {
        return user != null && !user.isEmpty();
    }

    /** The recorded fencing token, if the status has one. */
    Integer recordedTransitions() {
        return status.map(RequestStatus::leaseTransitions).orElse(null);
    }
}
