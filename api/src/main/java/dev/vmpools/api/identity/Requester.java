package dev.vmpools.api.identity;

import java.util.Objects;
import java.util.Set;

/** Who a Kubernetes requester is in pool terms: a pool user with roles, or someone who cannot be an assignee. */
public sealed interface Requester permits Requester.PoolUser, Requester.NotAPoolUser {

    /**
     * A user who can hold VMs.
     *
     * @param name the user name (prefix stripped): VM-Operator's GUI user and the guest login
     * @param roles the user's roles: their groups with the group prefix stripped
     */
    record PoolUser(String name, Set<String> roles) implements Requester {
        public PoolUser {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("name must not be empty");
            }
            roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
        }
    }

    /**
     * A requester that is no pool user.
     *
     * @param reason why
     * @param message for the requester: what is wrong and what to do
     */
    record NotAPoolUser(Reason reason, String message) implements Requester {
        public NotAPoolUser {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Why a requester is no pool user; {@link #reason()} is the stable PascalCase name. */
    enum Reason {
        /** Service accounts are never assignees. */
        SERVICE_ACCOUNT("ServiceAccountNotAPoolUser"),
        /** Other {@code system:} users (controllers, anonymous) are never assignees. */
        SYSTEM_USER("SystemUserNotAPoolUser"),
        /** A user prefix is configured and the user name does not start with it. */
        USER_PREFIX_MISSING("UserPrefixMissing"),
        /** The name does not match the configured user name pattern. */
        INVALID_USER_NAME("InvalidUserName");

        private final String reason;

        Reason(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }
}
