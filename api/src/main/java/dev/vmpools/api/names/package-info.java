/**
 * Kubernetes names and label values derived from pool, user and VM names: DNS-1123 checks, label
 * values that are sanitized or hashed when a name does not fit, and per-VM Lease names.
 */
package dev.vmpools.api.names;
