/**
 * The serving certificate: PEM key and chain read with plain {@code java.security}, turned into Helidon
 * {@code Tls} (always from key and chain, always with a trust entry: Helidon 4.2.0 cannot reload TLS built
 * otherwise), and swapped into the running server when the files or the Secret change.
 */
package dev.vmpools.webhook.tls;
