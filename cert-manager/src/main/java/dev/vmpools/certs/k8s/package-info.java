/**
 * The Kubernetes edges of the certificate manager: the two Secrets ({@link dev.vmpools.certs.k8s.SecretStore}),
 * and later the {@code caBundle} injector and the replica Leases. They translate between fabric8 objects and
 * the pure records of {@code pki}, {@code renewal} and {@code rotation}, and decide nothing.
 */
package dev.vmpools.certs.k8s;
