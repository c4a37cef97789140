/**
 * {@code ./vmpools demo}: vmpools installed on the embedded control plane, its components running in this
 * process under their own service accounts, and a short story told with the kubectl commands that show it.
 */
package dev.vmpools.app.demo;
