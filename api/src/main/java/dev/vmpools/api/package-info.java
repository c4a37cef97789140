/**
 * The resources vmpools reads and writes, as fabric8 model classes ({@link dev.vmpools.api.VmPool},
 * {@link dev.vmpools.api.VmAssignment}, the read-only {@link dev.vmpools.api.VirtualMachine}), and the
 * names, condition types and reasons that webhook and scheduler share.
 */
package dev.vmpools.api;
