/**
 * Leader election among scheduler replicas on the Lease {@code vmpools-scheduler}: it saves conflicts, and
 * correctness never depends on it.
 */
package dev.vmpools.scheduler.leader;
