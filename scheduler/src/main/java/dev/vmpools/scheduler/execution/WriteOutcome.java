package dev.vmpools.scheduler.execution;

import dev.vmpools.scheduler.cluster.ObjectKey;
import java.util.Objects;
import java.util.Optional;

/** What became of one write. */
public sealed interface WriteOutcome {

    /** Whether the chain goes on after this write. */
    boolean chainGoesOn();

    /**
     * The server took the write.
     *
     * @param object the object written (empty for an Event)
     * @param before the version the write was planned against; empty for a create
     * @param after the version the server answered with
     */
    record Written(Optional<ObjectKey> object, Optional<String> before, String after) implements WriteOutcome {
        public Written {
            Objects.requireNonNull(object, "object");
            Objects.requireNonNull(before, "before");
        }

        public static Written event() {
            return new Written(Optional.empty(), Optional.empty(), "");
        }

        @Override
        public boolean chainGoesOn() {
            return true;
        }
    }

    /**
     * Ordinary contention: a precondition failed (409 Conflict or AlreadyExists, 422 from a failed JSON-patch
     * {@code test}) or the object is gone (404). The group is planned again from fresh caches.
     *
     * @param why what failed, for the log
     * @param leaseConflict a 409 on a Lease, counted as a lease conflict
     */
    record Contended(String why, boolean leaseConflict) implements WriteOutcome {
        @Override
        public boolean chainGoesOn() {
            return false;
        }
    }

    /** A best-effort write that did not happen (an Event, a pool status without its subresource); the chain goes on. */
    record Skipped(String why) implements WriteOutcome {
        @Override
        public boolean chainGoesOn() {
            return true;
        }
    }

    /** The write failed for another reason (no permission, a server error, no connection). */
    record Failed(String why, Exception cause) implements WriteOutcome {
        @Override
        public boolean chainGoesOn() {
            return false;
        }
    }
}
