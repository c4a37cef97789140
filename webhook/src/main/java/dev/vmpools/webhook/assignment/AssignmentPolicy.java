package dev.vmpools.webhook.assignment;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.api.identity.IdentityPolicy;
import dev.vmpools.api.identity.Requester;
import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.api.permission.PoolPermissions;
import dev.vmpools.api.permission.UserAccess;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionOutcome.Cause;
import dev.vmpools.webhook.cluster.Assignments;
import dev.vmpools.webhook.cluster.ExistingAssignment;
import dev.vmpools.webhook.cluster.PoolLookup;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.identity.Caller;
import tools.jackson.databind.JsonNode;

/**
 * Who may request a VM for whom (DESIGN §3), decided from the pool's grants and the active requests
 * of the cache:
 * <ul>
 * <li>for oneself: the requester's permissions in the pool (user grant and role grants) must not be empty;
 *     admins may also request for themselves without a grant;</li>
 * <li>for another user: admins and delegates for the namespace, with a warning when no {@code user:} grant
 *     names that user (roles cannot be checked: Kubernetes keeps no directory of groups);</li>
 * <li>anyone else: 403;</li>
 * <li>at most one active request per pool and user: a second is denied, naming the first.</li>
 * </ul>
 * The pool must exist (a cache miss is read live before it counts as missing). Denials name the field,
 * the pool and the user.
 *
 * @param identity to check the assignee's name
 */
public record AssignmentPolicy(IdentityPolicy identity) {

    public static final String POOL_REQUIRED = "PoolRequired";
    public static final String MALFORMED_SPEC = "MalformedAssignmentSpec";
    public static final String POOL_NOT_FOUND = "PoolNotFound";
    public static final String POOL_BEING_DELETED = "PoolBeingDeleted";
    public static final String NO_POOL_PERMISSION = "NoPoolPermission";
    public static final String REQUEST_FOR_OTHER_USER = "RequestForOtherUser";
    public static final String DUPLICATE_ASSIGNMENT = "DuplicateAssignment";
    public static final String SERVICE_ACCOUNT_ASSIGNEE = "ServiceAccountNotAPoolUser";
    public static final String SPEC_IMMUTABLE = "SpecImmutable";
    public static final String PROTECTED_METADATA = "ProtectedMetadata";
    public static final String NOT_ASSIGNEE = "NotAssignee";

    public AssignmentPolicy {
        Objects.requireNonNull(identity, "identity");
    }

    /**
     * Decides a CREATE of the VmAssignment {@code name} (empty while generated) in {@code namespace}.
     *
     * @param spec the request's spec as written
     */
    public CreateDecision create(Caller caller, String namespace, String name, AssignmentSpec spec, Pools pools,
                                 Assignments assignments) {
        if (!spec.malformed().isEmpty()) {
            return deny(AdmissionOutcome.invalid(MALFORMED_SPEC, String.join(", ", spec.malformed())
                    + " must be a string", spec.malformed().stream()
                    .map(field -> Cause.invalid(field, "must be a string")).toArray(Cause[]::new)));
        }
        if (spec.pool().isEmpty()) {
            return deny(AdmissionOutcome.invalid(POOL_REQUIRED, "spec.pool is required: name the VmPool (in namespace "
                    + namespace + ") to take a VM from", Cause.required("spec.pool", "name the VmPool")));
        }
        String pool = spec.pool();

        String user;
        if (spec.user().isPresent()) {
            user = spec.user().get();
        } else if (caller.requester() instanceof Requester.PoolUser poolUser) {
            user = poolUser.name();
        } else {
            Requester.NotAPoolUser notAPoolUser = (Requester.NotAPoolUser) caller.requester();
            return deny(AdmissionOutcome.forbidden(notAPoolUser.reason().reason(), notAPoolUser.message()
                            + "; spec.user is empty, so the VM would be for " + caller.username(),
                    Cause.required("spec.user", "name the user the VM is for")).withPool(pool));
        }
        if (user.startsWith(IdentityPolicy.SERVICE_ACCOUNT_PREFIX)) {
            return deny(AdmissionOutcome.invalid(SERVICE_ACCOUNT_ASSIGNEE, "spec.user " + user
                            + " is a service account, which cannot hold VMs: name a person",
                    Cause.invalid("spec.user", "service accounts cannot hold VMs")).withPool(pool));
        }
        Optional<Requester.NotAPoolUser> badName = identity.checkUserName(user);
        if (badName.isPresent()) {
            return deny(AdmissionOutcome.invalid(badName.get().reason().reason(), "spec.user: " + badName.get().message(),
                    Cause.invalid("spec.user", badName.get().message())).withPool(pool));
        }

        PoolPermissions permissions;
        switch (pools.find(namespace, pool)) {
            case PoolLookup.Missing ignored -> {
                return deny(AdmissionOutcome.invalid(POOL_NOT_FOUND, "VmPool " + pool + " does not exist in namespace "
                                + namespace + ": correct spec.pool or create the pool first",
                        Cause.invalid("spec.pool", "no VmPool " + pool + " in namespace " + namespace)).withPool(pool));
            }
            case PoolLookup.Unavailable unavailable -> {
                return deny(AdmissionOutcome.errored("VmPool " + pool + " in namespace " + namespace
                        + " could not be read (" + unavailable.why() + "); try again").withPool(pool));
            }
            case PoolLookup.Found found when found.deleting() -> {
                return deny(AdmissionOutcome.invalid(POOL_BEING_DELETED, "VmPool " + pool + " in namespace " + namespace
                                + " is being deleted: request a VM from another pool",
                        Cause.invalid("spec.pool", "VmPool " + pool + " is being deleted")).withPool(pool));
            }
            case PoolLookup.Found found -> permissions = found.permissions();
        }

        List<String> warnings = new ArrayList<>();
        GrantedBy grantedBy;
        if (caller.is(user)) {
            UserAccess access = permissions.accessOf(user, caller.roles());
            if (access.mayUse()) {
                grantedBy = access.grantedBy().orElseThrow();
            } else if (caller.admin()) {
                grantedBy = GrantedBy.admin(caller.username());
            } else {
                return deny(AdmissionOutcome.forbidden(NO_POOL_PERMISSION, "user " + user + " may not use VmPool " + pool
                                + ": no grant of the pool names user " + user + " or one of their groups "
                                + caller.roles() + " with any permission; ask the pool's administrators for a grant",
                        Cause.forbidden("spec.pool", "user " + user + " has no permission in VmPool " + pool))
                        .withPool(pool));
            }
        } else if (caller.admin() || caller.delegate()) {
            grantedBy = caller.admin() ? GrantedBy.admin(caller.username()) : GrantedBy.delegate(caller.username());
            if (!permissions.namesUser(user)) {
                warnings.add("no grant of VmPool " + pool + " names user " + user
                        + "; role grants cannot be checked, so make sure " + user + " may use it");
            }
        } else {
            String who = caller.poolUserName().orElse(caller.username());
            return deny(AdmissionOutcome.forbidden(REQUEST_FOR_OTHER_USER, who + " may request VMs only for themselves,"
                            + " but spec.user is " + user + ": only administrators and delegates may request for others;"
                            + " leave spec.user empty to request for yourself",
                    Cause.forbidden("spec.user", "only administrators and delegates may name another user")).withPool(pool));
        }

        Optional<ExistingAssignment> first = assignments.of(namespace, pool, user).stream()
                .filter(ExistingAssignment::active)
                .filter(existing -> !existing.name().equals(name))
                .min(ExistingAssignment.FIRST_COME);
        if (first.isPresent()) {
            return deny(AdmissionOutcome.forbidden(DUPLICATE_ASSIGNMENT, "user " + user + " already has an active"
                            + " VmAssignment for VmPool " + pool + ": " + first.get().name() + " (" + first.get().state()
                            + "); use it, or delete it before requesting again",
                    Cause.duplicate("spec.pool", "VmAssignment " + first.get().name() + " already requests VmPool " + pool
                            + " for " + user)).withPool(pool));
        }
        return new CreateDecision.Admit(pool, user, grantedBy, warnings);
    }

    /**
     * Decides an UPDATE: the spec never changes (the CRD's CEL rule says so too); our labels, annotations and
     * finalizer change only by admins and trusted components (the scheduler is kept away from the webhook
     * altogether by the configuration's matchConditions).
     */
    public AdmissionOutcome update(Caller caller, String name, JsonNode oldObject, JsonNode newObject) {
        JsonNode oldSpec = oldObject.path("spec");
        JsonNode newSpec = newObject.path("spec");
        String pool = AssignmentSpec.read(oldObject).pool();
        if (!oldSpec.equals(newSpec)) {
            String field = !oldSpec.path("pool").equals(newSpec.path("pool")) ? "spec.pool"
                    : !oldSpec.path("user").equals(newSpec.path("user")) ? "spec.user" : "spec";
            return AdmissionOutcome.invalid(SPEC_IMMUTABLE, field + " of VmAssignment " + name
                            + " cannot be changed: delete the VmAssignment and create a new one",
                    Cause.forbidden(field, "the spec of a VmAssignment is immutable")).withPool(pool);
        }
        if (!caller.privileged()) {
            List<String> changed = ProtectedMetadata.changes(oldObject.path("metadata"), newObject.path("metadata"));
            if (!changed.isEmpty()) {
                return AdmissionOutcome.forbidden(PROTECTED_METADATA, "only administrators may change " + String.join(", ", changed)
                                + " of VmAssignment " + name + ": vmpools sets them at admission; to give the VM back,"
                                + " delete the VmAssignment",
                        changed.stream().map(field -> Cause.forbidden(field, "set by vmpools; only administrators may change it"))
                                .toArray(Cause[]::new)).withPool(pool);
            }
        }
        return AdmissionOutcome.allowed().withPool(pool);
    }

    /** Decides a DELETE: the assignee, admins and delegates for the namespace may give a VM back; nobody else. */
    public AdmissionOutcome delete(Caller caller, String name, JsonNode oldObject) {
        AssignmentSpec spec = AssignmentSpec.read(oldObject);
        Optional<String> user = spec.user();
        if (caller.admin() || caller.trusted() || caller.delegate() || user.filter(caller::is).isPresent()) {
            return AdmissionOutcome.allowed().withPool(spec.pool());
        }
        String who = caller.poolUserName().orElse(caller.username());
        return AdmissionOutcome.forbidden(NOT_ASSIGNEE, who + " may not delete VmAssignment " + name + ": its spec.user is "
                        + user.orElse("empty") + "; only that user, administrators and delegates may give the VM back",
                Cause.forbidden("spec.user", "the VmAssignment is for " + user.orElse("no user"))).withPool(spec.pool());
    }

    private static CreateDecision deny(AdmissionOutcome outcome) {
        return new CreateDecision.Refuse(outcome);
    }
}
