package dev.vmpools.api;

import java.util.Arrays;
import java.util.Optional;

/** The reason of a VmAssignment's {@code Assigned} condition, and what it says about the request's life. */
public enum AssignmentReason {
    /** A VM is assigned (the condition is True). */
    ASSIGNED("Assigned", false),
    /** No VM is free; the request is served in first-come order when one frees. */
    WAITING("Waiting", false),
    /** An older active request of the same user for the same pool is served first. */
    DUPLICATE("Duplicate", false),
    /** The VM was deleted or left the pool; the request is planned again at once. */
    VM_GONE("VmGone", false),
    /** The retention ran out after the VM was assigned. */
    EXPIRED("Expired", true),
    /** An absolute retention passed before a VM was assigned. */
    RETENTION_ENDED("RetentionEnded", true),
    /** The pool was deleted. */
    POOL_NOT_FOUND("PoolNotFound", true),
    /** None of the grants that admitted the request exists any more. */
    PERMISSION_REVOKED("PermissionRevoked", true),
    /** The request was deleted and its VM is being released (shown while the finalizer runs). */
    RELEASED("Released", true);

    private final String reason;
    private final boolean terminal;

    AssignmentReason(String reason, boolean terminal) {
        this.reason = reason;
        this.terminal = terminal;
    }

    /** The PascalCase reason written into the condition. */
    public String reason() {
        return reason;
    }

    /** Terminal requests never get a VM again: asking again means a new object. */
    public boolean terminal() {
        return terminal;
    }

    /** The status of the {@code Assigned} condition with this reason. */
    public String conditionStatus() {
        return this == ASSIGNED ? ConditionTypes.TRUE : ConditionTypes.FALSE;
    }

    /** The reason written in a condition, if it is one of ours. */
    public static Optional<AssignmentReason> fromReason(String reason) {
        return Arrays.stream(values()).filter(r -> r.reason.equals(reason)).findFirst();
    }
}
