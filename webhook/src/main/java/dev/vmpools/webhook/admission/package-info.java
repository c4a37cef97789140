/**
 * The admission contract, independent of HTTP: {@link dev.vmpools.webhook.admission.AdmissionRequest} in,
 * {@link dev.vmpools.webhook.admission.AdmissionOutcome} out, one {@link dev.vmpools.webhook.admission.AdmissionHandler}
 * per endpoint. {@link dev.vmpools.webhook.admission.AdmissionReviews} reads and writes the
 * {@code admission.k8s.io/v1} wire format; {@link dev.vmpools.webhook.admission.JsonPatches} turns a mutated
 * object into the RFC 6902 patch against the object exactly as the API server sent it, and
 * {@link dev.vmpools.webhook.admission.ObjectEdit} writes the same patch from a handler's edits without a copy.
 */
package dev.vmpools.webhook.admission;
