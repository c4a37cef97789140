package dev.vmpools.scheduler.assignment;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything the planner needs about one planning group of one namespace: pools that share VMs, their
 * VMs (each with its Lease), and the requests for those pools. Built by {@link PlanningGroups#of}.
 *
 * @param key a stable name of the group (its first pool, else its first VM), for logs and work queues
 * @param pools the pools that exist; pools that are only named (by VMs or requests) are absent
 * @param vms the VMs
 * @param requests the requests, in any order
 */
public record Snapshot(String key, List<PoolState> pools, List<VmState> vms, List<RequestState> requests) {

    public Snapshot {
        Checks.name(key, "key");
        pools = List.copyOf(Objects.requireNonNull(pools, "pools"));
        vms = List.copyOf(Objects.requireNonNull(vms, "vms"));
        requests = List.copyOf(Objects.requireNonNull(requests, "requests"));
        unique(pools, PoolState::name, "pool");
        unique(vms, VmState::name, "VM");
        unique(requests, RequestState::name, "request");
    }

    private static <T> void unique(List<T> items, Function<T, String> name, String kind) {
        Set<String> seen = new HashSet<>();
        for (T item : items) {
            if (!seen.add(name.apply(item))) {
                throw new IllegalArgumentException(kind + " " + name.apply(item) + " appears twice in the snapshot");
            }
        }
    }
}
