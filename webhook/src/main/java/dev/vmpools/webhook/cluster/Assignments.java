package dev.vmpools.webhook.cluster;

import java.util.List;

/** The VmAssignments of a user in a pool, from the cache (objects not yet seen by it are not included). */
@FunctionalInterface
public interface Assignments {

    /** Every stored VmAssignment in {@code namespace} whose spec names {@code pool} and {@code user}. */
    List<ExistingAssignment> of(String namespace, String pool, String user);
}
