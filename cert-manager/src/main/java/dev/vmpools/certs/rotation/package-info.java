/**
 * What to do next about the webhook's certificates, as a pure function of what was observed (Secrets,
 * {@code caBundle} read back from both webhook configurations, replica Leases) and the time: the CA
 * rotation sequence of DESIGN §5 and leaf-only renewal, one {@link dev.vmpools.certs.rotation.Step} at a time.
 */
package dev.vmpools.certs.rotation;
