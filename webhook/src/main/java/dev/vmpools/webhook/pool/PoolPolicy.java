package dev.vmpools.webhook.pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.permission.GrantProblem;
import dev.vmpools.api.permission.GrantReading;
import dev.vmpools.api.permission.PoolPermissions;
import dev.vmpools.api.retention.Retention;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.api.retention.RetentionOutcome;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionOutcome.Cause;

/**
 * The rules for a VmPool's spec (DESIGN §2.1, §3): a retention that VM-Operator's manager (when present)
 * and the scheduler can both read; grants that name exactly one non-empty user or role and only known
 * permissions or {@code "*"}. Allowed with warnings: duplicate grants, grants of nothing, no grants at
 * all, an absolute retention already past. No checks of VMs: the scheduler's {@code HasVMs} condition
 * says whether the pool has any.
 *
 * @param mode which retention texts are accepted
 */
public record PoolPolicy(RetentionMode mode) {

    /** A pool whose spec cannot be read as VM-Operator's schema (wrong types). */
    public static final String MALFORMED_SPEC = "MalformedPoolSpec";

    public PoolPolicy {
        Objects.requireNonNull(mode, "mode");
    }

    /** Admits or denies (422) a pool spec, at {@code now} (for the absolute-retention warning). */
    public AdmissionOutcome review(VmPoolSpec spec, Instant now) {
        List<Problem> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();

        switch (Retention.parse(spec.retentionOrDefault(), mode)) {
            case RetentionOutcome.Rejected rejected ->
                    problems.add(new Problem(Cause.invalid("spec.retention", retentionMessage(rejected.message())),
                            rejected.reason()));
            case RetentionOutcome.Accepted accepted -> {
                if (accepted.retention().isAbsolute() && accepted.retention().isExpired(now, now)) {
                    warnings.add("spec.retention " + accepted.retention().text()
                            + " is in the past: no VM of this pool will be assigned");
                }
            }
        }

        GrantReading grants = PoolPermissions.read(spec.permissions());
        for (GrantProblem problem : grants.problems()) {
            problems.add(new Problem(cause(problem), problem.reason()));
        }
        warnings.addAll(grants.warnings());
        if (spec.grants().isEmpty()) {
            warnings.add("spec.permissions is empty: nobody may use this pool");
        }

        if (problems.isEmpty()) {
            AdmissionOutcome allowed = AdmissionOutcome.allowed();
            for (String warning : warnings) {
                allowed = allowed.withWarning(warning);
            }
            return allowed;
        }
        String message = "VmPool is invalid: " + problems.stream().map(p -> p.cause().message())
                .collect(Collectors.joining("; "));
        AdmissionOutcome denied = AdmissionOutcome.invalid(problems.getFirst().reason(), message,
                problems.stream().map(Problem::cause).toArray(Cause[]::new));
        for (String warning : warnings) {
            denied = denied.withWarning(warning);
        }
        return denied;
    }

    /** The parser speaks of "retention ..."; the answer names the field. */
    private static String retentionMessage(String message) {
        return message.startsWith("retention ") ? "spec." + message : "spec.retention: " + message;
    }

    private static Cause cause(GrantProblem problem) {
        return switch (problem.reason()) {
            case GrantProblem.UNKNOWN_PERMISSION -> Cause.notSupported(problem.field(), problem.message());
            case GrantProblem.SUBJECT_MISSING, GrantProblem.NAME_EMPTY -> Cause.required(problem.field(), problem.message());
            default -> Cause.invalid(problem.field(), problem.message());
        };
    }

    private record Problem(Cause cause, String reason) {
    }
}
