/**
 * The one place that writes: the planner's actions on the API server (Leases with the resourceVersion read,
 * tested JSON patches of VMs, status subresources, Events), chains of them run concurrently per VM on virtual
 * threads; a failed precondition is an outcome, not an exception.
 */
package dev.vmpools.scheduler.execution;
