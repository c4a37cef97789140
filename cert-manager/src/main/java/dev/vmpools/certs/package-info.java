/**
 * The webhook's own certificate authority: a CA and a serving certificate kept in Secrets, the CA
 * injected into both webhook configurations as {@code caBundle}, and both rotated before they expire
 * without a failed admission request. {@code pki}, {@code renewal} and {@code rotation} are pure;
 * {@code k8s} holds the edges that read and write the cluster.
 */
package dev.vmpools.certs;
