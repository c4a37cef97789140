/**
 * What the scheduler reads: shared informers of VmPools, VMs, Leases and VmAssignments in the pool namespaces,
 * indexed by the links of the pool–VM graph, and the planning group of any node read from them (its connected
 * component) as the planner's snapshots. No list call per reconcile.
 */
package dev.vmpools.scheduler.cluster;
