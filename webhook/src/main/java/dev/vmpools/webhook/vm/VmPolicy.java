package dev.vmpools.webhook.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachineSpec;
import dev.vmpools.api.names.Dns1123;
import dev.vmpools.api.permission.Permission;
import dev.vmpools.api.permission.PoolPermissions;
import dev.vmpools.api.permission.UserAccess;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionOutcome.Cause;
import dev.vmpools.webhook.admission.JsonPatches;
import dev.vmpools.webhook.cluster.PoolLookup;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.identity.Caller;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rules for VM-Operator's VMs (resource {@code vms}, DESIGN §3). For everyone: the names in
 * {@code spec.pools} are DNS-1123 subdomains. For requesters who are neither admins nor trusted, an UPDATE
 * is admitted only when
 * <ol>
 * <li>the VM belongs to a pool ({@code oldObject.spec.pools} is not empty),</li>
 * <li>the only change is {@code spec.vm.state} (bookkeeping such as managedFields, resourceVersion, generation
 *     and kubectl's last-applied annotation is ignored),</li>
 * <li>the VM is assigned to the requester ({@code oldObject.status.assignment.user}), and</li>
 * <li>the pool it was assigned from grants {@code start} (for Running) or {@code stop} (for Stopped).</li>
 * </ol>
 * The VM is judged from {@code oldObject} alone; the pool comes from the cache.
 */
public final class VmPolicy {

    public static final String INVALID_POOL_NAME = "InvalidPoolName";
    public static final String VM_NOT_POOLED = "VmNotPooled";
    public static final String ONLY_STATE_MAY_CHANGE = "OnlyStateMayChange";
    public static final String NOT_ASSIGNED_TO_REQUESTER = "VmNotAssignedToRequester";
    public static final String PERMISSION_MISSING = "PoolPermissionMissing";
    public static final String POOL_NOT_FOUND = "PoolNotFound";

    /** What {@code kubectl apply} keeps in the object; changes of it are no changes of the VM. */
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private VmPolicy() {
    }

    /** CREATE: the pool names only. */
    public static AdmissionOutcome create(String name, JsonNode object) {
        return poolNames(name, object).orElseGet(AdmissionOutcome::allowed);
    }

    /** UPDATE of VM {@code name} in {@code namespace}. */
    public static AdmissionOutcome update(Caller caller, String namespace, String name, JsonNode oldObject,
                                          JsonNode newObject, Pools pools) {
        Optional<AdmissionOutcome> badNames = poolNames(name, newObject);
        if (badNames.isPresent()) {
            return badNames.get();
        }
        if (caller.privileged()) {
            return AdmissionOutcome.allowed();
        }
        String who = caller.poolUserName().orElse(caller.username());
        if (!oldObject.path("spec").path("pools").isArray() || oldObject.path("spec").path("pools").isEmpty()) {
            return AdmissionOutcome.forbidden(VM_NOT_POOLED, "VM " + name + " belongs to no pool: only administrators may"
                    + " change it, and " + who + " is none", Cause.forbidden("spec.pools", "the VM belongs to no pool"));
        }
        Optional<String> otherChange = firstChangeBesidesState(oldObject, newObject);
        if (otherChange.isPresent()) {
            return AdmissionOutcome.forbidden(ONLY_STATE_MAY_CHANGE, who + " may change only spec.vm.state of VM " + name
                            + " (to start or stop it), not " + otherChange.get() + "; ask an administrator for other changes",
                    Cause.forbidden(otherChange.get(), "only spec.vm.state may be changed"));
        }
        Optional<PoolAssignment> assignment = PoolAssignment.fromMap(asMap(oldObject.path("status").path("assignment")));
        if (assignment.isEmpty() || !caller.is(assignment.get().user())) {
            return AdmissionOutcome.forbidden(NOT_ASSIGNED_TO_REQUESTER, "VM " + name + " is "
                            + assignment.map(a -> "assigned to " + a.user()).orElse("assigned to nobody") + ", not to "
                            + who + ", so " + who + " may not change its spec.vm.state: request a VM with a VmAssignment"
                            + " and start or stop that one",
                    Cause.forbidden("spec.vm.state", "the VM is not assigned to " + who));
        }
        String pool = assignment.get().pool();
        String oldState = state(oldObject);
        String newState = state(newObject);
        if (oldState.equals(newState)) {
            return AdmissionOutcome.allowed().withPool(pool);
        }
        Permission needed = VirtualMachineSpec.RUNNING.equals(newState) ? Permission.START : Permission.STOP;
        PoolPermissions permissions;
        switch (pools.find(namespace, pool)) {
            case PoolLookup.Missing ignored -> {
                return AdmissionOutcome.forbidden(POOL_NOT_FOUND, "VM " + name + " was assigned to " + who + " from VmPool "
                                + pool + ", which does not exist any more: only administrators may set its spec.vm.state to "
                                + newState,
                        Cause.forbidden("spec.vm.state", "VmPool " + pool + " does not exist")).withPool(pool);
            }
            case PoolLookup.Unavailable unavailable -> {
                return AdmissionOutcome.errored("VmPool " + pool + " in namespace " + namespace + " could not be read ("
                        + unavailable.why() + "); try again").withPool(pool);
            }
            case PoolLookup.Found found -> permissions = found.permissions();
        }
        UserAccess access = permissions.accessOf(assignment.get().user(), caller.roles());
        if (!access.may(needed)) {
            return AdmissionOutcome.forbidden(PERMISSION_MISSING, who + " may not " + needed.wireName() + " VM " + name
                            + " (spec.vm.state " + newState + "): VmPool " + pool + " grants " + who + " " + names(access)
                            + ", not " + needed.wireName() + "; ask the pool's administrators",
                    Cause.forbidden("spec.vm.state", "VmPool " + pool + " does not grant " + needed.wireName())).withPool(pool);
        }
        return AdmissionOutcome.allowed().withPool(pool);
    }

    private static Optional<AdmissionOutcome> poolNames(String name, JsonNode object) {
        JsonNode poolsNode = object.path("spec").path("pools");
        if (poolsNode.isMissingNode() || poolsNode.isNull()) {
            return Optional.empty();
        }
        List<Cause> causes = new ArrayList<>();
        if (!poolsNode.isArray()) {
            causes.add(Cause.invalid("spec.pools", "must be a list of pool names"));
        } else {
            for (int i = 0; i < poolsNode.size(); i++) {
                JsonNode pool = poolsNode.get(i);
                Optional<String> problem = pool.isString() ? Dns1123.subdomainProblem(pool.stringValue())
                        : Optional.of("must be a string");
                int index = i;
                problem.ifPresent(p -> causes.add(Cause.invalid("spec.pools[" + index + "]",
                        (pool.isString() ? "\"" + shown(pool.stringValue()) + "\": " : "") + p)));
            }
        }
        if (causes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(AdmissionOutcome.invalid(INVALID_POOL_NAME, "VM " + name + ": " + causes.getFirst().field() + " "
                + causes.getFirst().message() + "; pool names are VmPool names (DNS-1123 subdomains)",
                causes.toArray(Cause[]::new)));
    }

    /** The field path of the first difference besides the state and bookkeeping, if there is one. */
    static Optional<String> firstChangeBesidesState(JsonNode oldObject, JsonNode newObject) {
        ArrayNode patch = JsonPatches.diff(comparable(oldObject), comparable(newObject));
        if (patch.isEmpty()) {
            return Optional.empty();
        }
        JsonNode first = patch.get(0);
        String pointer = first.path("path").stringValue();
        // A map added as a whole (the first label, the first annotation): name the entry, not the map.
        for (JsonNode value = first.get("value"); value != null && value.isObject() && !value.isEmpty(); ) {
            String key = value.propertyNames().iterator().next();
            pointer += "/" + JsonPatches.escape(key);
            value = value.get(key);
        }
        return Optional.of(fieldPath(pointer));
    }

    private static JsonNode comparable(JsonNode object) {
        if (!(object.deepCopy() instanceof ObjectNode copy)) {
            return object;
        }
        copy.remove("status");
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove(List.of("managedFields", "resourceVersion", "generation"));
            if (metadata.get("annotations") instanceof ObjectNode annotations) {
                annotations.remove(LAST_APPLIED);
                if (annotations.isEmpty()) {
                    metadata.remove("annotations");
                }
            }
        }
        if (copy.path("spec").get("vm") instanceof ObjectNode vm) {
            vm.remove("state");
        }
        return copy;
    }

    /** {@code /spec/pools/0} as {@code spec.pools[0]}, {@code /metadata/labels/a~1b} as {@code metadata.labels[a/b]}. */
    static String fieldPath(String pointer) {
        StringBuilder field = new StringBuilder();
        String[] parts = pointer.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].replace("~1", "/").replace("~0", "~");
            boolean mapKey = i >= 2 && (parts[i - 1].equals("labels") || parts[i - 1].equals("annotations"));
            if (part.matches("\\d+") || mapKey) {
                field.append('[').append(part).append(']');
            } else {
                field.append(field.isEmpty() ? "" : ".").append(part);
            }
        }
        return field.isEmpty() ? "(the whole object)" : field.toString();
    }

    private static String state(JsonNode object) {
        JsonNode state = object.path("spec").path("vm").path("state");
        return state.isString() ? state.stringValue() : VirtualMachineSpec.STOPPED;
    }

    private static Map<String, ?> asMap(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().isString() ? e.getValue().stringValue() : null));
        return map;
    }

    private static String names(UserAccess access) {
        return access.permissions().isEmpty() ? "nothing"
                : access.permissions().stream().map(Permission::wireName).toList().toString();
    }

    private static String shown(String text) {
        return text.length() > 64 ? text.substring(0, 61) + "..." : text;
    }
}
