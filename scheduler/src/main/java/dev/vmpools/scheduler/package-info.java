/**
 * The scheduler: assigns VMs of VM-Operator pools to {@code VmAssignment}s, records who holds a VM in a
 * per-VM Lease, expires and releases assignments, and keeps {@code VmPool.status} current. Decisions are
 * made by the pure {@link dev.vmpools.scheduler.assignment.AssignmentPlanner}; the Kubernetes edges only
 * fill its snapshots from informer caches and execute its actions.
 */
package dev.vmpools.scheduler;
