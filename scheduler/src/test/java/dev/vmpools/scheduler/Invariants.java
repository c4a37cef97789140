package dev.vmpools.scheduler;

import dev.vmpools.api.AssignmentReason;
import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.PoolAssignment;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.names.LeaseNames;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The scheduler's invariants over what the API server holds in one namespace: its Leases, VMs and VmAssignments
 * (DESIGN §4). {@link #atQuiescence} is for a settled namespace (no burst running, releases finished);
 * {@link #duringBurst} holds at any moment, on one consistent list of requests. Every violation names the
 * objects concerned.
 *
 * <p>At quiescence:
 * <ul>
 * <li>no VM has two holders: at most one active request is Assigned to it;</li>
 * <li>each held VM's Lease, {@code status.assignment} and VmAssignment agree: the Lease names the request
 *     ({@code <name>/<uid>}), is unexpired and has the request's {@code leaseTransitions}; the VM's record names the
 *     request's pool and user; the VM lists that pool; and every unexpired Lease holder and every
 *     {@code status.assignment} belongs to such an Assigned request;</li>
 * <li>every active assignment is Assigned, Waiting or Duplicate with a reason (a message for the latter two),
 *     computed for its current generation; none is stuck in deletion;</li>
 * <li>one request per pool and user is served, the others are Duplicates; and no request waits while a VM of its
 *     pool is free (no lost wake-up).</li>
 * </ul>
 */
final class Invariants {
    private Invariants() {
    }

    /** What a check found. */
    record Report(List<String> violations, Counts counts) {
        boolean holds() {
            return violations.isEmpty();
        }

        @Override
        public String toString() {
            return counts + (violations.isEmpty() ? "; invariants hold"
                    : "; " + violations.size() + " violation(s):\n  " + String.join("\n  ", violations));
        }
    }

    /** The namespace at a glance. */
    record Counts(int vms, int leases, int heldVms, int requests, Map<String, Integer> reasons) {
        @Override
        public String toString() {
            return vms + " VMs, " + heldVms + " held, " + leases + " Leases, " + requests + " VmAssignments "
                    + reasons;
        }
    }

    /** Checks a settled namespace at {@code now}. */
    static Report atQuiescence(KubernetesClient root, String namespace, Instant now) {
        List<VirtualMachine> vms = root.resources(VirtualMachine.class).inNamespace(namespace).list().getItems();
        List<Lease> leases = root.leases().inNamespace(namespace).list().getItems().stream()
                .filter(l -> l.getMetadata().getName().startsWith(LeaseNames.PREFIX)).toList();
        List<VmAssignment> requests = root.resources(VmAssignment.class).inNamespace(namespace).list().getItems();
        return atQuiescence(vms, leases, requests, now);
    }

    static Report atQuiescence(List<VirtualMachine> vms, List<Lease> leases, List<VmAssignment> requests,
            Instant now) {
        List<String> violations = new ArrayList<>();
        Map<String, VirtualMachine> vmByName = byName(vms, v -> v.getMetadata().getName());
        Map<String, Lease> leaseByName = byName(leases, l -> l.getMetadata().getName());
        Map<String, VmAssignment> requestByName = byName(requests, r -> r.getMetadata().getName());
        Map<String, List<VmAssignment>> assignedByVm = new TreeMap<>();
        Map<String, List<VmAssignment>> activeByPoolAndUser = new TreeMap<>();

        for (VmAssignment request : requests) {
            String name = describe(request);
            if (request.getMetadata().getDeletionTimestamp() != null) {
                violations.add(name + " is still being deleted (finalizers " + request.getMetadata().getFinalizers()
                        + "): its release did not finish");
                continue;
            }
            Optional<Condition> assigned = assignedCondition(request);
            String reason = assigned.map(Condition::getReason).orElse("");
            if (assigned.isEmpty() || reason.isEmpty()) {
                violations.add(name + " has no Assigned condition with a reason (status " + request.getStatus() + ")");
                continue;
            }
            Optional<AssignmentReason> known = AssignmentReason.fromReason(reason);
            if (known.isEmpty() || !(known.get() == AssignmentReason.ASSIGNED || known.get() == AssignmentReason.WAITING
                    || known.get() == AssignmentReason.DUPLICATE)) {
                violations.add(name + " is " + reason + " (" + assigned.get().getMessage()
                        + "), not Assigned, Waiting or Duplicate");
                continue;
            }
            if (known.get() != AssignmentReason.ASSIGNED
                    && (assigned.get().getMessage() == null || assigned.get().getMessage().isBlank())) {
                violations.add(name + " is " + reason + " without a message saying why");
            }
            Long observed = request.getStatus().observedGeneration();
            if (!Objects.equals(observed, request.getMetadata().getGeneration())) {
                violations.add(name + " has status for generation " + observed + ", not its generation "
                        + request.getMetadata().getGeneration());
            }
            activeByPoolAndUser.computeIfAbsent(request.getSpec().pool() + "/" + request.getSpec().user(),
                    k -> new ArrayList<>()).add(request);
            if (known.get() == AssignmentReason.ASSIGNED) {
                String vm = request.getStatus().vm();
                if (vm == null || vm.isEmpty()) {
                    violations.add(name + " is Assigned without status.vm");
                    continue;
                }
                assignedByVm.computeIfAbsent(vm, k -> new ArrayList<>()).add(request);
                checkHold(request, vmByName.get(vm), leaseByName.get(LeaseNames.forVm(vm)), now, violations);
            }
        }

        assignedByVm.forEach((vm, holders) -> {
            if (holders.size() > 1) {
                violations.add("VM " + vm + " has " + holders.size() + " holders: "
                        + holders.stream().map(Invariants::describe).collect(Collectors.joining(", ")));
            }
        });

        activeByPoolAndUser.forEach((key, active) -> {
            List<VmAssignment> served = active.stream().filter(r -> !AssignmentReason.DUPLICATE.reason()
                    .equals(assignedCondition(r).map(Condition::getReason).orElse(""))).toList();
            if (served.size() != 1) {
                violations.add("pool/user " + key + " has " + served.size() + " requests served (not Duplicate) among "
                        + active.stream().map(Invariants::describe).collect(Collectors.joining(", ")));
            }
        });

        int held = 0;
        for (Lease lease : leases) {
            String holder = Optional.ofNullable(lease.getSpec().getHolderIdentity()).orElse("");
            if (holder.isEmpty() || !unexpired(lease, now)) {
                continue;
            }
            held++;
            String vm = lease.getMetadata().getName().substring(LeaseNames.PREFIX.length());
            VmAssignment request = requestByName.get(holder.substring(0, Math.max(0, holder.indexOf('/'))));
            if (request == null || !holder.equals(holderOf(request)) || !isAssignedTo(request, vm)) {
                violations.add("Lease " + lease.getMetadata().getName() + " (transitions "
                        + lease.getSpec().getLeaseTransitions() + ") holds its VM for " + holder + ", but "
                        + (request == null ? "no such VmAssignment exists" : describe(request)
                                + (holder.equals(holderOf(request)) ? "" : " has uid " + request.getMetadata().getUid())
                                + " is not Assigned to " + vm + ": it is " + state(request)));
            }
        }

        for (VirtualMachine vm : vms) {
            Optional<PoolAssignment> record = vm.assignment();
            if (record.isEmpty()) {
                continue;
            }
            String name = vm.getMetadata().getName();
            Lease lease = leaseByName.get(LeaseNames.forVm(name));
            List<VmAssignment> holders = assignedByVm.getOrDefault(name, List.of());
            boolean agrees = lease != null && unexpired(lease, now)
                    && holders.stream().anyMatch(r -> record.get().names(r.getSpec().pool(), r.getSpec().user()));
            if (!agrees) {
                violations.add("VM " + name + " has status.assignment " + record.get().pool() + "/"
                        + record.get().user() + " but " + (lease == null ? "no Lease"
                                : "Lease holder '" + lease.getSpec().getHolderIdentity() + "'"
                                        + (unexpired(lease, now) ? "" : " (expired)"))
                        + " and Assigned requests " + holders.stream().map(Invariants::describe).toList());
            }
        }

        checkNoWaitingWhileFree(requests, vms, leaseByName, now, violations);

        Map<String, Integer> reasons = new TreeMap<>();
        for (VmAssignment request : requests) {
            reasons.merge(assignedCondition(request).map(Condition::getReason).orElse("none"), 1, Integer::sum);
        }
        return new Report(List.copyOf(violations), new Counts(vms.size(), leases.size(), held, requests.size(),
                reasons));
    }

    /**
     * What holds at every moment, on one list of requests (one consistent read): no VM is Assigned to two users
     * by requests not being deleted. (A request being deleted may still show Assigned while its VM moves on.)
     */
    static List<String> duringBurst(List<VmAssignment> requests) {
        Map<String, Map<String, List<String>>> usersByVm = new TreeMap<>();
        for (VmAssignment request : requests) {
            if (request.getMetadata().getDeletionTimestamp() == null
                    && AssignmentReason.ASSIGNED.reason().equals(assignedCondition(request).map(Condition::getReason)
                            .orElse(""))
                    && request.getStatus().vm() != null) {
                usersByVm.computeIfAbsent(request.getStatus().vm(), k -> new TreeMap<>())
                        .computeIfAbsent(request.getSpec().user(), k -> new ArrayList<>())
                        .add(request.getMetadata().getName());
            }
        }
        List<String> violations = new ArrayList<>();
        usersByVm.forEach((vm, users) -> {
            if (users.size() > 1) {
                violations.add("VM " + vm + " is Assigned to " + users.size() + " users at once: " + users);
            }
        });
        return violations;
    }

    // ---------------------------------------------------------------- details

    private static void checkHold(VmAssignment request, VirtualMachine vm, Lease lease, Instant now,
            List<String> violations) {
        String name = describe(request);
        String vmName = request.getStatus().vm();
        if (vm == null) {
            violations.add(name + " is Assigned to VM " + vmName + ", which does not exist");
            return;
        }
        if (!vm.pools().contains(request.getSpec().pool())) {
            violations.add(name + " is Assigned to VM " + vmName + ", which is not in pool " + request.getSpec().pool()
                    + " (pools " + vm.pools() + ")");
        }
        String leaseName = LeaseNames.forVm(vmName);
        if (!leaseName.equals(request.getStatus().lease())) {
            violations.add(name + " names Lease " + request.getStatus().lease() + ", not " + leaseName);
        }
        if (lease == null) {
            violations.add(name + " is Assigned to VM " + vmName + ", which has no Lease " + leaseName);
        } else {
            if (!holderOf(request).equals(lease.getSpec().getHolderIdentity())) {
                violations.add(name + " is Assigned to VM " + vmName + ", but Lease " + leaseName + " is held by '"
                        + lease.getSpec().getHolderIdentity() + "'");
            } else if (!unexpired(lease, now)) {
                violations.add(name + " is Assigned to VM " + vmName + ", but Lease " + leaseName + " expired at "
                        + expiry(lease).map(Instant::toString).orElse("(no renewTime or duration)"));
            }
            if (!Objects.equals(lease.getSpec().getLeaseTransitions(), request.getStatus().leaseTransitions())) {
                violations.add(name + " records leaseTransitions " + request.getStatus().leaseTransitions()
                        + ", Lease " + leaseName + " has " + lease.getSpec().getLeaseTransitions());
            }
        }
        Optional<PoolAssignment> record = vm.assignment();
        if (record.isEmpty() || !record.get().names(request.getSpec().pool(), request.getSpec().user())) {
            violations.add(name + " (pool " + request.getSpec().pool() + ", user " + request.getSpec().user()
                    + ") is Assigned to VM " + vmName + ", whose status.assignment is "
                    + record.map(r -> r.pool() + "/" + r.user()).orElse("empty"));
        }
        if (!vm.desiredState().map("Running"::equals).orElse(false)) {
            violations.add(name + " is Assigned to VM " + vmName + ", whose spec.vm.state is "
                    + vm.desiredState().orElse("unset"));
        }
    }

    /** No request waits while a VM of its pool is free: not held, no record, no console in use. */
    private static void checkNoWaitingWhileFree(List<VmAssignment> requests, List<VirtualMachine> vms,
            Map<String, Lease> leaseByName, Instant now, List<String> violations) {
        Map<String, List<String>> freeByPool = new LinkedHashMap<>();
        for (VirtualMachine vm : vms) {
            String name = vm.getMetadata().getName();
            Lease lease = leaseByName.get(LeaseNames.forVm(name));
            boolean held = lease != null && lease.getSpec().getHolderIdentity() != null
                    && !lease.getSpec().getHolderIdentity().isEmpty() && unexpired(lease, now);
            boolean console = vm.condition(ConditionTypes.CONSOLE_CONNECTED)
                    .map(c -> ConditionTypes.TRUE.equals(c.getStatus())).orElse(false);
            if (!held && vm.assignment().isEmpty() && !console) {
                vm.pools().forEach(p -> freeByPool.computeIfAbsent(p, k -> new ArrayList<>()).add(name));
            }
        }
        requests.stream()
                .filter(r -> r.getMetadata().getDeletionTimestamp() == null)
                .filter(r -> AssignmentReason.WAITING.reason().equals(assignedCondition(r).map(Condition::getReason)
                        .orElse("")))
                .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
                .forEach(r -> {
                    List<String> free = freeByPool.getOrDefault(r.getSpec().pool(), List.of());
                    if (!free.isEmpty()) {
                        violations.add(describe(r) + " is Waiting (" + assignedCondition(r).get().getMessage()
                                + ") although VM(s) " + free.subList(0, Math.min(5, free.size())) + " of pool "
                                + r.getSpec().pool() + " are free");
                    }
                });
    }

    static Optional<Condition> assignedCondition(VmAssignment request) {
        if (request.getStatus() == null || request.getStatus().conditions() == null) {
            return Optional.empty();
        }
        return request.getStatus().conditions().stream()
                .filter(c -> c != null && ConditionTypes.ASSIGNED.equals(c.getType())).findFirst();
    }

    private static boolean isAssignedTo(VmAssignment request, String vm) {
        return request.getMetadata().getDeletionTimestamp() == null
                && AssignmentReason.ASSIGNED.reason().equals(assignedCondition(request).map(Condition::getReason)
                        .orElse(""))
                && vm.equals(request.getStatus().vm());
    }

    private static String holderOf(VmAssignment request) {
        return request.getMetadata().getName() + "/" + request.getMetadata().getUid();
    }

    private static boolean unexpired(Lease lease, Instant now) {
        return expiry(lease).map(now::isBefore).orElse(false);
    }

    private static Optional<Instant> expiry(Lease lease) {
        if (lease.getSpec().getRenewTime() == null || lease.getSpec().getLeaseDurationSeconds() == null) {
            return Optional.empty();
        }
        return Optional.of(lease.getSpec().getRenewTime().toInstant()
                .plusSeconds(lease.getSpec().getLeaseDurationSeconds()));
    }

    /** The reason, message and VM of a request's status. */
    private static String state(VmAssignment request) {
        return assignedCondition(request).map(c -> c.getReason() + " (" + c.getMessage() + ")").orElse("without status")
                + (request.getStatus() == null || request.getStatus().vm() == null ? ""
                        : ", status.vm " + request.getStatus().vm())
                + (request.getMetadata().getDeletionTimestamp() == null ? "" : ", being deleted");
    }

    private static String describe(VmAssignment request) {
        return "VmAssignment " + request.getMetadata().getName() + " (" + request.getSpec().user() + " in "
                + request.getSpec().pool() + ")";
    }

    private static <T> Map<String, T> byName(List<T> objects, java.util.function.Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        objects.forEach(o -> map.put(name.apply(o), o));
        return map;
    }
}
