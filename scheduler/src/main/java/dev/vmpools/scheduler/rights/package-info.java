/**
 * Keeps the scheduler's RoleBinding in a pool namespace until the namespace's VmAssignments are gone, so that a
 * namespace deleted with assignments in it does not lose the rights to release them first.
 */
package dev.vmpools.scheduler.rights;
