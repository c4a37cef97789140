/**
 * The Kubernetes edges of the certificate manager: the two Secrets ({@link dev.vmpools.certs.k8s.SecretStore}),
 * the {@code caBundle} of both webhook configurations ({@link dev.vmpools.certs.k8s.WebhookConfigurations},
 * {@link dev.vmpools.certs.k8s.CaBundleInjector}), the replica Leases ({@link dev.vmpools.certs.k8s.ReplicaLeases})
 * and Events on the Secrets ({@link dev.vmpools.certs.k8s.SecretEvents}). They translate between fabric8 objects
 * and the pure records of {@code pki}, {@code renewal} and {@code rotation}, and decide nothing.
 */
package dev.vmpools.certs.k8s;
