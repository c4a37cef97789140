package dev.vmpools.api;

/** Condition types vmpools writes (on VmAssignments and VmPools) and reads (on VMs). */
public final class ConditionTypes {
    /** VmAssignment: True when a VM is assigned; the reason is an {@link AssignmentReason}. */
    public static final String ASSIGNED = "Assigned";
    /** VmAssignment: True when assigned and the VM runs (for GitOps health checks). */
    public static final String READY = "Ready";
    /** VmPool: True when at least one VM lists the pool. */
    public static final String HAS_VMS = "HasVMs";
    /** VM (VM-Operator's): a console is connected; its transition time is the start or end of a use. */
    public static final String CONSOLE_CONNECTED = "ConsoleConnected";
    /** VM (VM-Operator's): the VM runs. */
    public static final String RUNNING = "Running";

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    private ConditionTypes() {
    }
}
