package dev.vmpools.webhook.assignment;

import java.util.List;
import java.util.Objects;

import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.webhook.admission.AdmissionOutcome;

/** What {@link AssignmentPolicy#create} decided for a VmAssignment CREATE. */
public sealed interface CreateDecision {

    /**
     * Admitted.
     *
     * @param pool the pool requested
     * @param user the assignee: {@code spec.user}, or the requester when it was not given
     * @param grantedBy why: the matching grants, or the admin or delegate who asked
     * @param warnings for the requester, e.g. when an admin asks for a user no grant names
     */
    record Admit(String pool, String user, GrantedBy grantedBy, List<String> warnings) implements CreateDecision {
        public Admit {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(grantedBy, "grantedBy");
            warnings = List.copyOf(warnings);
        }
    }

    /** Not admitted (a denial), or not decidable now (an error answer: the pool could not be read). */
    record Refuse(AdmissionOutcome outcome) implements CreateDecision {
        public Refuse {
            Objects.requireNonNull(outcome, "outcome");
            if (outcome instanceof AdmissionOutcome.Allowed || outcome instanceof AdmissionOutcome.Patched) {
                throw new IllegalArgumentException("a refusal must deny or error, not " + outcome.decision());
            }
        }
    }
}
