/**
 * The certificate reconciler and what runs it: {@link dev.vmpools.certs.manager.CertificateManager} (observe,
 * plan with the {@code rotation} planner, do one step), {@link dev.vmpools.certs.manager.ReconcileLoop}
 * (when to look again, backoff), {@link dev.vmpools.certs.manager.Leadership} (only the holder of the Lease
 * {@code vmpools-certs} writes) and {@link dev.vmpools.certs.manager.CertificateComponent}, which wires them.
 */
package dev.vmpools.certs.manager;
