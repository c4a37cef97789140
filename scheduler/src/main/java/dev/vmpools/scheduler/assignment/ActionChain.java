package dev.vmpools.scheduler.assignment;

import java.util.List;

/**
 * Writes to perform in order; the first that fails ends the chain and the group is planned again from
 * fresh informer state. Chains of one plan touch disjoint objects (an Event aside) and may run concurrently.
 *
 * @param subject what the chain is about: {@code vm/<name>}, {@code vmassignment/<name>} or {@code vmpool/<name>}
 * @param actions the writes
 */
public record ActionChain(String subject, List<Action> actions) {
    public ActionChain {
        Checks.name(subject, "subject");
        actions = List.copyOf(actions);
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("chain " + subject + " has no actions");
        }
    }
}
