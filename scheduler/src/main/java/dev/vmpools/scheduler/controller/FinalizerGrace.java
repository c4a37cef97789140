package dev.vmpools.scheduler.controller;

import dev.vmpools.scheduler.assignment.Action;
import dev.vmpools.scheduler.assignment.ActionChain;
import dev.vmpools.scheduler.assignment.RequestState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the finalizer of a deleted request for a short grace after its deletion, though its VM is released at
 * once. Another writer (a second replica, or a leader being replaced) may be taking a VM for the request at that
 * moment; its Lease or its commit may reach this replica's caches only after the plan that released what they
 * showed. While the request still exists, the next plan sees the late hold and releases it too; once the request
 * is gone, nobody would. The grace covers the time a take takes and the caches' lag.
 *
 * @param grace how long after its deletion a request keeps the finalizer
 */
public record FinalizerGrace(Duration grace) {

    /** Chains without the finalizer removals that are still early, and when the first of those is due. */
    public record Deferred(List<ActionChain> chains, Optional<Instant> due) {
    }

    /**
     * @param requests the requests of the planned snapshot, by name
     */
    public Deferred apply(List<ActionChain> chains, Map<String, RequestState> requests, Instant now) {
        List<ActionChain> kept = new ArrayList<>();
        Optional<Instant> due = Optional.empty();
        for (ActionChain chain : chains) {
            List<Action> actions = new ArrayList<>();
            for (Action action : chain.actions()) {
                if (action instanceof Action.RemoveFinalizer remove) {
                    RequestState request = requests.get(remove.request());
                    Instant at = request == null || request.deleted().isEmpty()
                            ? null
                            : request.deleted().get().plus(grace);
                    if (at != null && now.isBefore(at)) {
                        due = due.isEmpty() || at.isBefore(due.get()) ? Optional.of(at) : due;
                        continue;
                    }
                }
                actions.add(action);
            }
            if (!actions.isEmpty()) {
                kept.add(actions.size() == chain.actions().size() ? chain : new ActionChain(chain.subject(), actions));
            }
        }
        return new Deferred(kept, due);
    }
}
