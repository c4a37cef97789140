package dev.vmpools.scheduler.assignment;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What one planning of a group decided.
 *
 * @param chains the writes to perform, in chains that may run concurrently
 * @param requests the status each request of the group should have (a request being deleted without a
 *     VM to release is absent)
 * @param pools the status each existing pool of the group should have
 * @param wakeAt the next instant at which time alone changes the plan (an expiry, an absolute retention,
 *     a Lease running out): plan the group again then, if no event came first
 */
public record Plan(List<ActionChain> chains, Map<String, RequestStatus> requests, Map<String, PoolStatus> pools,
        Optional<Instant> wakeAt) {

    public Plan {
        chains = List.copyOf(chains);
        requests = Map.copyOf(requests);
        pools = Map.copyOf(pools);
        Objects.requireNonNull(wakeAt, "wakeAt");
    }

    /** Every action of every chain, in chain order. */
    public Stream<Action> actions() {
        return chains.stream().flatMap(chain -> chain.actions().stream());
    }

    /** Whether nothing needs writing. */
    public boolean settled() {
        return chains.isEmpty();
    }
}
