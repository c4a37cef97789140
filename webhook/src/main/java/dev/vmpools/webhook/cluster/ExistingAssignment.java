package dev.vmpools.webhook.cluster;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.api.AssignmentReason;

/**
 * A stored VmAssignment as the rules need it.
 *
 * @param name its name
 * @param created its creation timestamp ({@link Instant#EPOCH} when unknown)
 * @param deleting true when it has a deletion timestamp
 * @param assignedReason the reason of its {@code Assigned} condition, empty when none is written yet
 */
public record ExistingAssignment(String name, Instant created, boolean deleting, Optional<String> assignedReason) {

    /** First-come order, as the scheduler serves requests: (creationTimestamp, name). */
    public static final Comparator<ExistingAssignment> FIRST_COME =
            Comparator.comparing(ExistingAssignment::created).thenComparing(ExistingAssignment::name);

    public ExistingAssignment {
        Objects.requireNonNull(name, "name");
        created = created == null ? Instant.EPOCH : created;
        Objects.requireNonNull(assignedReason, "assignedReason");
    }

    /** Active: not being deleted and not in a terminal state (DESIGN §2.3). */
    public boolean active() {
        return !deleting && assignedReason.flatMap(AssignmentReason::fromReason).map(r -> !r.terminal()).orElse(true);
    }

    /** The reason for messages: its Assigned reason, or "new" when the scheduler has not seen it yet. */
    public String state() {
        return assignedReason.orElse("new");
    }
}
