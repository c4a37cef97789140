/**
 * Admission of VmAssignments: who may request a VM for whom, one active request per pool and user,
 * the immutable spec, the protected labels, annotations and finalizer, and who may give a VM back.
 */
package dev.vmpools.webhook.assignment;
