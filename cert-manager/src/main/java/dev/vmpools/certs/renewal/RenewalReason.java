package dev.vmpools.certs.renewal;

import static dev.vmpools.certs.pki.ServingMaterial.describe;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Why a CA or serving certificate must be replaced. {@link #reason()} is a stable PascalCase name for
 * Events, metrics and logs; {@link #message()} tells the person on call what, in which Secret, and when.
 */
public sealed interface RenewalReason {

    String reason();

    String message();

    /** Which certificate a reason is about. */
    enum Role {
        CA("CA certificate"),
        SERVING("serving certificate");

        private final String text;

        Role(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** The Secret does not exist. */
    record Missing(String secret) implements RenewalReason {
        public Missing {
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String reason() {
            return "Missing";
        }

        @Override
        public String message() {
            return "Secret " + secret + " does not exist";
        }
    }

    /** The Secret's data does not decode, or decodes to something unusable (e.g. a CA that is not a CA). */
    record Malformed(String secret, String problem) implements RenewalReason {
        public Malformed {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(problem, "problem");
        }

        @Override
        public String reason() {
            return "Malformed";
        }

        @Override
        public String message() {
            return "Secret " + secret + " cannot be used: " + problem;
        }
    }

    /** {@code tls.key} is not the private key of the certificate in {@code tls.crt}. */
    record KeyMismatch(String secret, Role role, X509Certificate certificate) implements RenewalReason {
        public KeyMismatch {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(certificate, "certificate");
        }

        @Override
        public String reason() {
            return "KeyMismatch";
        }

        @Override
        public String message() {
            return "Secret " + secret + ": tls.key is not the private key of the " + role + " " + describe(certificate)
                    + " in tls.crt";
        }
    }

    /** The certificate's notAfter has passed. */
    record Expired(String secret, Role role, X509Certificate certificate, Instant now) implements RenewalReason {
        public Expired {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(now, "now");
        }

        @Override
        public String reason() {
            return "Expired";
        }

        @Override
        public String message() {
            return "the " + role + " " + describe(certificate) + " in Secret " + secret + " expired at "
                    + certificate.getNotAfter().toInstant() + " (now " + now + ")";
        }
    }

    /** The certificate's notBefore is still ahead: issued by a clock running ahead, or tampered with. */
    record NotYetValid(String secret, Role role, X509Certificate certificate, Instant now) implements RenewalReason {
        public NotYetValid {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(now, "now");
        }

        @Override
        public String reason() {
            return "NotYetValid";
        }

        @Override
        public String message() {
            return "the " + role + " " + describe(certificate) + " in Secret " + secret + " is not valid before "
                    + certificate.getNotBefore().toInstant() + " (now " + now + "; was it issued by a clock running ahead?)";
        }
    }

    /** The serving certificate has reached its renewal time ({@code lifeFraction} of its life, e.g. "2/3"). */
    record Expiring(String secret, X509Certificate certificate, Instant renewAt, String lifeFraction)
            implements RenewalReason {
        public Expiring {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(renewAt, "renewAt");
            Objects.requireNonNull(lifeFraction, "lifeFraction");
        }

        @Override
        public String reason() {
            return "Expiring";
        }

        @Override
        public String message() {
            return "the serving certificate " + describe(certificate) + " in Secret " + secret + " reached " + lifeFraction
                    + " of its life at " + renewAt + " and expires at " + certificate.getNotAfter().toInstant();
        }
    }

    /** The serving certificate's names differ from the required ones. */
    record SanChanged(String secret, X509Certificate certificate, SortedSet<String> missing, SortedSet<String> extra)
            implements RenewalReason {
        public SanChanged {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(certificate, "certificate");
            missing = Collections.unmodifiableSortedSet(new TreeSet<>(missing));
            extra = Collections.unmodifiableSortedSet(new TreeSet<>(extra));
        }

        @Override
        public String reason() {
            return "SanChanged";
        }

        @Override
        public String message() {
            var parts = new ArrayList<String>();
            if (!missing.isEmpty()) {
                parts.add("lacks required names " + missing);
            }
            if (!extra.isEmpty()) {
                parts.add("carries names no longer configured " + extra);
            }
            return "the serving certificate " + describe(certificate) + " in Secret " + secret + " " + String.join(" and ", parts);
        }
    }

    /** The serving certificate was not issued by the current CA (a CA rotation is under way, or it is foreign). */
    record CaChanged(String secret, X509Certificate certificate, X509Certificate currentCa) implements RenewalReason {
        public CaChanged {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(currentCa, "currentCa");
        }

        @Override
        public String reason() {
            return "CaChanged";
        }

        @Override
        public String message() {
            return "the serving certificate " + describe(certificate) + " in Secret " + secret + " was issued by \""
                    + certificate.getIssuerX500Principal().getName() + "\", not by the current CA " + describe(currentCa);
        }
    }

    /** The current CA has reached its renewal time: a CA rotation starts. */
    record CaExpiring(String secret, X509Certificate certificate, Instant renewAt, String lifeFraction)
            implements RenewalReason {
        public CaExpiring {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(renewAt, "renewAt");
            Objects.requireNonNull(lifeFraction, "lifeFraction");
        }

        @Override
        public String reason() {
            return "CaExpiring";
        }

        @Override
        public String message() {
            return "the CA certificate " + describe(certificate) + " in Secret " + secret + " reached " + lifeFraction
                    + " of its life at " + renewAt + " and expires at " + certificate.getNotAfter().toInstant();
        }
    }
}
