/**
 * The webhook replica's side of certificates, free of any HTTP server: follow the serving Secret, report the
 * serial served in the replica's Lease, and tell whether every configured {@code caBundle} trusts what is
 * served (readiness). The webhook module plugs its TLS reloader into {@link dev.vmpools.certs.replica.ServingFollower}.
 */
package dev.vmpools.certs.replica;
