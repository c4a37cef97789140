/**
 * A pool's {@code spec.retention}: parsing the ISO 8601 duration or instant without ever throwing,
 * in the dialect VM-Operator's manager understands or in the full calendar dialect, and the expiry
 * and Lease durations that follow from it.
 */
package dev.vmpools.api.retention;
