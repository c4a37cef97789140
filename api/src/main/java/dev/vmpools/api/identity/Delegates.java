package dev.vmpools.api.identity;

import java.util.List;
import java.util.Objects;

/**
 * The configured delegates.
 *
 * @param delegates in configuration order
 */
public record Delegates(List<Delegate> delegates) {
    public Delegates {
        delegates = List.copyOf(Objects.requireNonNull(delegates, "delegates"));
    }

    public static Delegates none() {
        return new Delegates(List.of());
    }

    /** Whether the requester is a delegate for {@code namespace}. */
    public boolean mayRequestForOthers(String requester, String namespace) {
        return delegates.stream().anyMatch(d -> d.covers(requester, namespace));
    }
}
