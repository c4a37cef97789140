/**
 * Admission of VM-Operator's VMs ({@code vms}): valid pool names for everyone; end users may only
 * start or stop the VM assigned to them, as far as its pool allows.
 */
package dev.vmpools.webhook.vm;
