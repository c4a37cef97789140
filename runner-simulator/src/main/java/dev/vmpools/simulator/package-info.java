/**
 * A simulated VM runner: where VM-Operator does not run (tests, the demo), it answers {@code spec.vm.state}
 * with the {@code Running} condition and opens and closes consoles on request, as VM-Operator's runner would.
 * Nothing here starts a VM.
 */
package dev.vmpools.simulator;
