package dev.vmpools.scheduler.assignment;

import java.time.Instant;
import java.util.Objects;

/**
 * Decides, for one planning group at one instant, who holds which VM and what to write so that Leases,
 * VMs, requests and pools say so (DESIGN §4): {@code state + now → actions}. Pure and deterministic: the
 * same snapshot and instant give the same plan, and a snapshot taken after any prefix of a plan's chains
 * has run gives the rest of the work, so a crash between two writes is finished by the next plan.
 */
public final class AssignmentPlanner {
    private final PlannerSettings settings;

    public AssignmentPlanner(PlannerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The plan for {@code snapshot} at {@code now}. */
    public Plan plan(Snapshot snapshot, Instant now) {
        return new Planning(settings, Objects.requireNonNull(snapshot, "snapshot"), Objects.requireNonNull(now, "now"))
                .run();
    }
}
