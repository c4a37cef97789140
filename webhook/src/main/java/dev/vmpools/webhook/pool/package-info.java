/**
 * Admission of VM-Operator's VmPool: retention in the configured mode, well-formed grants, and
 * warnings for what is allowed but probably not meant.
 */
package dev.vmpools.webhook.pool;
