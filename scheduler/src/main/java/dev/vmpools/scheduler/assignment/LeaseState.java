package dev.vmpools.scheduler.assignment;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The per-VM Lease as read (DESIGN §4.1).
 *
 * @param resourceVersion for the optimistic update that takes, renews or releases it
 * @param holderIdentity {@code <VmAssignment name>/<uid>}, or {@code ""} when released
 * @param acquireTime when the holder took it, or null
 * @param renewTime the last use (or connect time while in use, or release time), or null
 * @param leaseDurationSeconds seconds from {@code renewTime} the hold lasts, or null
 * @param leaseTransitions changes of holder so far: the fencing token
 * @param pool the annotation {@code vmpools.dev/pool}: the pool of the (last) holder, or null
 * @param user the annotation {@code vmpools.dev/user}: the user of the (last) holder, or null
 * @param ownerUid the uid of the VM in its owner reference, or null; a Lease whose owner is not the VM
 *     of the same name belongs to a deleted VM and is disregarded (it is taken over or garbage collected)
 */
public record LeaseState(String resourceVersion, String holderIdentity, Instant acquireTime, Instant renewTime,
        Integer leaseDurationSeconds, int leaseTransitions, String pool, String user, String ownerUid) {

    public LeaseState {
        Checks.name(resourceVersion, "resourceVersion");
        holderIdentity = holderIdentity == null ? "" : holderIdentity;
        if (leaseTransitions < 0) {
            throw new IllegalArgumentException("leaseTransitions must not be negative, got " + leaseTransitions);
        }
    }

    /** Whether some holder is recorded (which need not mean it still holds). */
    public boolean hasHolder() {
        return !holderIdentity.isEmpty();
    }

    /** Whether the annotations name this pool and user as the (last) holder's. */
    public boolean names(String poolName, String userName) {
        return Objects.equals(pool, poolName) && Objects.equals(user, userName);
    }

    /** When the hold ends by the Lease's own fields; null when it cannot be told. */
    public Instant heldUntil() {
        if (renewTime == null || leaseDurationSeconds == null) {
            return null;
        }
        return renewTime.plus(Duration.ofSeconds(leaseDurationSeconds));
    }

    /** Whether the Lease's own fields say it is still held at {@code now}. */
    public boolean heldAt(Instant now) {
        Instant until = heldUntil();
        return hasHolder() && (until == null || now.isBefore(until));
    }
}
