package dev.vmpools.api;

/** The finalizer, labels and annotations vmpools puts on objects. */
public final class MetadataKeys {
    /** On every VmAssignment: deleting it first releases its VM. */
    public static final String FINALIZER = "vmpools.dev/release";
    /** The pool of a VmAssignment, as a label value (sanitized or hashed where needed). */
    public static final String POOL_LABEL = "vmpools.dev/pool";
    /** The user of a VmAssignment, as a label value (sanitized or hashed where needed). */
    public static final String USER_LABEL = "vmpools.dev/user";
    /** The full pool name, where the label could not hold it. */
    public static final String POOL_ANNOTATION = "vmpools.dev/pool";
    /** The full user name, where the label could not hold it. */
    public static final String USER_ANNOTATION = "vmpools.dev/user";
    /** The grants that admitted a VmAssignment, see {@link dev.vmpools.api.permission.GrantedBy}. */
    public static final String GRANTED_BY_ANNOTATION = "vmpools.dev/granted-by";

    private MetadataKeys() {
    }
}
