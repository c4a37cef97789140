package dev.vmpools.scheduler.assignment;

import dev.vmpools.api.JsonPatchOperation;
import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VmPatches;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One write the edge performs. Each is idempotent and fenced where it acts on behalf of an assignment: a
 * failed precondition (409 Conflict, or 422 from a failed JSON-patch {@code test}) is ordinary contention
 * and means: stop the chain, let the informers catch up, plan again.
 */
public sealed interface Action {

    /** How a Lease write changes the hold. */
    enum LeaseChange {
        /** A new holder: {@code leaseTransitions} grows (or the Lease is created). */
        TAKE,
        /** The same holder; times and duration follow use (assignment, connect, disconnect). */
        RENEW,
        /** {@code holderIdentity ""}, {@code renewTime} = now: the VM is free. */
        RELEASE
    }

    /**
     * Creates the Lease (when {@code resourceVersion} is empty; AlreadyExists is a conflict) or updates it
     * with the resourceVersion read.
     */
    record WriteLease(String vm, String lease, Optional<String> resourceVersion, LeaseRecord record,
            LeaseChange change) implements Action {
        public WriteLease {
            Checks.name(vm, "vm");
            Checks.name(lease, "lease");
            Objects.requireNonNull(resourceVersion, "resourceVersion");
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(change, "change");
        }
    }

    /** A JSON patch of the VM's {@code status} subresource, starting with its {@code test}s. */
    sealed interface PatchVmStatus extends Action permits CommitAssignment, RecordLastUse, ClearAssignment {
        String vm();

        List<JsonPatchOperation> patch();
    }

    /**
     * The commit point: {@code status.assignment} becomes {@code assignment} if it still is what was read
     * (a failed test means VM-Operator assigned the VM meanwhile: its assignment wins).
     */
    record CommitAssignment(String vm, PoolAssignment assignment, List<JsonPatchOperation> patch)
            implements PatchVmStatus {
        public CommitAssignment {
            Checks.name(vm, "vm");
            Objects.requireNonNull(assignment, "assignment");
            patch = List.copyOf(patch);
        }
    }

    /** {@code status.assignment.lastUsed} follows the assignee's last use, while the record names them. */
    record RecordLastUse(String vm, PoolAssignment assignment, List<JsonPatchOperation> patch)
            implements PatchVmStatus {
        public RecordLastUse {
            Checks.name(vm, "vm");
            Objects.requireNonNull(assignment, "assignment");
            patch = List.copyOf(patch);
        }
    }

    /** Empties {@code status.assignment} if it is still exactly the record read; VM-Operator logs the user out. */
    record ClearAssignment(String vm, PoolAssignment released, List<JsonPatchOperation> patch)
            implements PatchVmStatus {
        public ClearAssignment {
            Checks.name(vm, "vm");
            Objects.requireNonNull(released, "released");
            patch = List.copyOf(patch);
        }
    }

    /** Sets {@code spec.vm.state} with a JSON patch of the VM (main resource). */
    record SetDesiredState(String vm, String state) implements Action {
        public SetDesiredState {
            Checks.name(vm, "vm");
            VmPatches.desiredState(state);
        }

        public List<JsonPatchOperation> patch() {
            return VmPatches.desiredState(state);
        }
    }

    /**
     * Adds what a request that bypassed the webhook lacks: our finalizer (so that deleting it releases its
     * VM) and the labels (and annotations with full names) of DESIGN §2.3. Update with the resourceVersion read.
     *
     * @param finalizers the complete list to write
     * @param labels labels to add
     * @param annotations annotations to add
     */
    record UpdateRequestMetadata(String request, String resourceVersion, List<String> finalizers,
            Map<String, String> labels, Map<String, String> annotations) implements Action {
        public UpdateRequestMetadata {
            Checks.name(request, "request");
            Checks.name(resourceVersion, "resourceVersion");
            finalizers = List.copyOf(finalizers);
            labels = Map.copyOf(labels);
            annotations = Map.copyOf(annotations);
        }
    }

    /**
     * Writes the request's status subresource. It needs no precondition: every plan derives it again from
     * Lease and VM.
     */
    record WriteRequestStatus(String request, RequestStatus status) implements Action {
        public WriteRequestStatus {
            Checks.name(request, "request");
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * Removes our finalizer. Prefer {@code patch}: a JSON patch of the request that first tests the finalizer
     * is still at the index read, and needs no resourceVersion (the {@code Released} status written just
     * before in the same chain changes the resourceVersion, so an update with {@code resourceVersion} fails
     * with 409 and costs a second round).
     *
     * @param request the request
     * @param resourceVersion the resourceVersion read
     * @param finalizers the finalizers left after removing ours
     * @param patch the JSON patch that removes ours
     */
    record RemoveFinalizer(String request, String resourceVersion, List<String> finalizers,
            List<JsonPatchOperation> patch) implements Action {
        public RemoveFinalizer {
            Checks.name(request, "request");
            Checks.name(resourceVersion, "resourceVersion");
            finalizers = List.copyOf(finalizers);
            patch = List.copyOf(patch);
        }

        /** Removal of {@code finalizer} from a request that read {@code read} at {@code resourceVersion}. */
        static RemoveFinalizer of(String request, String resourceVersion, List<String> read, String finalizer) {
            int index = read.indexOf(finalizer);
            if (index < 0) {
                throw new IllegalArgumentException("request " + request + " has no finalizer " + finalizer);
            }
            List<String> left = new ArrayList<>(read);
            left.remove(index);
            String path = "/metadata/finalizers/" + index;
            return new RemoveFinalizer(request, resourceVersion, left, List.of(
                    JsonPatchOperation.test(path, finalizer), new JsonPatchOperation("remove", path, null)));
        }
    }

    /**
     * Writes {@code VmPool.status}. A pool CRD without a status subresource (VM-Operator re-installed
     * its own) rejects this: log it once and carry on.
     */
    record WritePoolStatus(String pool, PoolStatus status) implements Action {
        public WritePoolStatus {
            Checks.name(pool, "pool");
            Objects.requireNonNull(status, "status");
        }
    }

    /** Records an Event; best effort, a failure does not stop the chain. */
    record EmitEvent(ObjectRef regarding, boolean warning, String reason, String message) implements Action {
        public EmitEvent {
            Objects.requireNonNull(regarding, "regarding");
            Checks.name(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
