/**
 * Certificates as values: an ECDSA P-256 {@link dev.vmpools.certs.pki.CertificateAuthority} that issues
 * serving certificates, PEM encoding and decoding that reports garbage as an outcome, and the checks
 * on {@link dev.vmpools.certs.pki.ServingMaterial} (key matches, chain verifies, names covered).
 */
package dev.vmpools.certs.pki;
