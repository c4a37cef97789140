package dev.vmpools.scheduler.assignment;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A status condition (metav1.Condition shape) of a VmAssignment or VmPool.
 *
 * @param type e.g. {@code Assigned}
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param reason a stable PascalCase reason
 * @param message for the person reading it
 * @param lastTransitionTime when {@code status} last changed, to the second as Kubernetes writes it
 * @param observedGeneration the generation it was computed for
 */
public record StatusCondition(String type, String status, String reason, String message, Instant lastTransitionTime,
        long observedGeneration) {

    public StatusCondition {
        Checks.name(type, "type");
        Checks.name(status, "status");
        Checks.name(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(lastTransitionTime, "lastTransitionTime");
    }

    /**
     * The condition with these values; its transition time is kept from {@code previous} when the status
     * did not change (reason and message may), else it is {@code now} to the second.
     */
    static StatusCondition next(String type, String status, String reason, String message, long generation,
            StatusCondition previous, Instant now) {
        Instant since = previous != null && previous.status.equals(status)
                ? previous.lastTransitionTime
                : now.truncatedTo(ChronoUnit.SECONDS);
        return new StatusCondition(type, status, reason, message, since, generation);
    }

    /** The fabric8 model for writing. */
    public Condition toModel() {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(lastTransitionTime.toString()).withObservedGeneration(observedGeneration)
                .build();
    }

    /** Reads a written condition; null when it lacks type, status, reason or a readable transition time. */
    public static StatusCondition fromModel(Condition condition) {
        if (condition == null || condition.getType() == null || condition.getStatus() == null
                || condition.getReason() == null || condition.getReason().isEmpty()
                || condition.getLastTransitionTime() == null) {
            return null;
        }
        Instant since;
        try {
            since = OffsetDateTime.parse(condition.getLastTransitionTime()).toInstant();
        } catch (DateTimeParseException unreadable) {
            return null;
        }
        return new StatusCondition(condition.getType(), condition.getStatus(), condition.getReason(),
                condition.getMessage() == null ? "" : condition.getMessage(), since,
                condition.getObservedGeneration() == null ? 0 : condition.getObservedGeneration());
    }
}
