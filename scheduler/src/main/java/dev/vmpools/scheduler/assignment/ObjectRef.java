package dev.vmpools.scheduler.assignment;

/**
 * The object an Event is about, in the namespace of the snapshot.
 *
 * @param kind {@code VmAssignment}, {@code VmPool} or {@code VirtualMachine}
 * @param name its name
 * @param uid its uid
 */
public record ObjectRef(String kind, String name, String uid) {
    public ObjectRef {
        Checks.name(kind, "kind");
        Checks.name(name, "name");
        Checks.name(uid, "uid");
    }
}
