package dev.vmpools.api.retention;

import java.util.Objects;
import java.util.Optional;

/** The result of {@link Retention#parse}: the retention, or why the text was rejected. */
public sealed interface RetentionOutcome permits RetentionOutcome.Accepted, RetentionOutcome.Rejected {

    /** The text was understood. */
    record Accepted(Retention retention) implements RetentionOutcome {
        public Accepted {
            Objects.requireNonNull(retention, "retention");
        }
    }

    /**
     * The text was rejected. {@code message} names the text, what is wrong and the accepted forms;
     * {@code suggestion} is an equivalent text that would be accepted, where there is one.
     */
    record Rejected(RetentionRejection rejection, String message, Optional<String> suggestion)
            implements RetentionOutcome {
        public Rejected {
            Objects.requireNonNull(rejection, "rejection");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(suggestion, "suggestion");
        }

        /** The stable PascalCase reason. */
        public String reason() {
            return rejection.reason();
        }
    }
}
