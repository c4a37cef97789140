package dev.vmpools.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON patches vmpools sends to VMs. They touch only the fields they name, so the rest of a VM
 * (which {@link VirtualMachine} does not model) is never dropped. Status patches go to the
 * {@code status} subresource and begin with {@code test} operations: they apply only if the VM still
 * shows what the caller planned against, otherwise the API server answers 422 and the caller re-reads.
 */
public final class VmPatches {
    private static final String STATUS = "/status";
    private static final String ASSIGNMENT = "/status/assignment";

    private VmPatches() {
    }

    /**
     * The commit point of an assignment: writes {@code next} into {@code status.assignment} if the VM
     * still shows the assignment record {@code observed} shows. Where the observed VM has no status or
     * no assignment record yet, the precondition is its resourceVersion instead.
     */
    public static List<JsonPatchOperation> assign(VirtualMachine observed, PoolAssignment next) {
        String resourceVersion = observed.getMetadata() == null ? null : observed.getMetadata().getResourceVersion();
        return assign(observed.getStatus(), resourceVersion, next);
    }

    /**
     * As {@link #assign(VirtualMachine, PoolAssignment)}, from the parts of a VM that were read: its status
     * (null when it has none) and its resourceVersion (needed only where there is no assignment record).
     */
    public static List<JsonPatchOperation> assign(VirtualMachineStatus observedStatus, String observedResourceVersion,
            PoolAssignment next) {
        Objects.requireNonNull(next, "next");
        if (observedStatus != null && observedStatus.assignment() != null) {
            return List.of(JsonPatchOperation.test(ASSIGNMENT, asMap(observedStatus.assignment())),
                    JsonPatchOperation.replace(ASSIGNMENT, next.toMap()));
        }
        JsonPatchOperation unchanged = resourceVersionTest(observedResourceVersion);
        if (observedStatus == null) {
            return List.of(unchanged, JsonPatchOperation.add(STATUS, Map.of("assignment", next.toMap())));
        }
        return List.of(unchanged, JsonPatchOperation.add(ASSIGNMENT, next.toMap()));
    }

    /**
     * Empties {@code status.assignment} (to {@code {}}, VM-Operator's "none") if it still names this pool
     * and user; VM-Operator then logs the user out.
     */
    public static List<JsonPatchOperation> release(String pool, String user) {
        return List.of(JsonPatchOperation.test(ASSIGNMENT + "/pool", pool),
                JsonPatchOperation.test(ASSIGNMENT + "/user", user),
                JsonPatchOperation.replace(ASSIGNMENT, Map.of()));
    }

    /**
     * Empties {@code status.assignment} if it is still exactly the record that was read, {@code lastUsed}
     * included. Stronger than {@link #release(String, String)}: a newer assignment of the same user and
     * pool (which writes its own {@code lastUsed}) is not mistaken for the one being released.
     */
    public static List<JsonPatchOperation> release(VirtualMachineStatus.Assignment observed) {
        Objects.requireNonNull(observed, "observed");
        return List.of(JsonPatchOperation.test(ASSIGNMENT, asMap(observed)),
                JsonPatchOperation.replace(ASSIGNMENT, Map.of()));
    }

    /** Records a last use (e.g. the assignee's console disconnecting) if the record still names this pool and user. */
    public static List<JsonPatchOperation> lastUsed(String pool, String user, Instant lastUsed) {
        return List.of(JsonPatchOperation.test(ASSIGNMENT + "/pool", pool),
                JsonPatchOperation.test(ASSIGNMENT + "/user", user),
                JsonPatchOperation.add(ASSIGNMENT + "/lastUsed", PoolAssignment.format(lastUsed)));
    }

    /** Sets {@code spec.vm.state} (main resource, not the status subresource). */
    public static List<JsonPatchOperation> desiredState(String state) {
        if (!VirtualMachineSpec.RUNNING.equals(state) && !VirtualMachineSpec.STOPPED.equals(state)) {
            throw new IllegalArgumentException("state must be Running or Stopped, got " + state);
        }
        return List.of(JsonPatchOperation.add("/spec/vm/state", state));
    }

    /** The record exactly as read: the CRD prunes any other field, so this equals the stored JSON. */
    private static Map<String, Object> asMap(VirtualMachineStatus.Assignment assignment) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (assignment.pool() != null) {
            map.put("pool", assignment.pool());
        }
        if (assignment.user() != null) {
            map.put("user", assignment.user());
        }
        if (assignment.lastUsed() != null) {
            map.put("lastUsed", assignment.lastUsed());
        }
        return map;
    }

    private static JsonPatchOperation resourceVersionTest(String resourceVersion) {
        if (resourceVersion == null) {
            throw new IllegalArgumentException("the observed VM has no resourceVersion: patch only what was read"
                    + " from the API server");
        }
        return JsonPatchOperation.test("/metadata/resourceVersion", resourceVersion);
    }
}
