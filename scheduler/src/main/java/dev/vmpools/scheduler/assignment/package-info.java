/**
 * Planning assignments (DESIGN §4): a {@link dev.vmpools.scheduler.assignment.Snapshot} of one planning
 * group (pools that share VMs, their VMs with Leases, the requests for them) and an instant go in; a
 * {@link dev.vmpools.scheduler.assignment.Plan} comes out: chains of idempotent actions, the status every
 * request and pool should have, and when to plan again. Nothing here talks to an API server.
 */
package dev.vmpools.scheduler.assignment;
