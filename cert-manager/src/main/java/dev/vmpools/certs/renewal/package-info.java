/**
 * Whether the webhook's CA or serving certificate must be replaced, and why: a chain of small pure checks
 * of the stored material and the time, each returning a {@link dev.vmpools.certs.renewal.RenewalReason}
 * with a stable PascalCase name and a message for the person on call.
 */
package dev.vmpools.certs.renewal;
