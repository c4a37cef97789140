package dev.vmpools.certs.rotation;

import static dev.vmpools.certs.pki.ServingMaterial.describeCas;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.vmpools.certs.renewal.RenewalReason;

/**
 * The one thing to do next. {@link #name()} is a stable PascalCase name for logs, Events and metrics;
 * {@link #message()} says what and why for the person on call.
 *
 * <p>The CA rotation of DESIGN §5 is {@link StartCaRotation}, {@link AppendNewCa}, {@link WaitForBundle},
 * {@link IssueLeafFromNewCa}, {@link WaitForReplicas}, {@link DropOldCa}, {@link Done}; a leaf-only
 * rotation is {@link RenewLeaf}, {@link Done}.
 */
public sealed interface Step {

    String name();

    String message();

    /**
     * The CA Secret is missing or unusable: write a new CA, still trusting {@code keepTrusting} (the CA the
     * serving certificate verifies against in every {@code caBundle}, if any), so that replacing the CA
     * goes through the rotation sequence instead of breaking admission.
     */
    record CreateCa(RenewalReason why, List<X509Certificate> keepTrusting) implements Step {
        public CreateCa {
            Objects.requireNonNull(why, "why");
            keepTrusting = List.copyOf(keepTrusting);
        }

        @Override
        public String name() {
            return "CreateCa";
        }

        @Override
        public String message() {
            return why.message() + ": creating a new CA" + (keepTrusting.isEmpty()
                    ? ""
                    : " and rotating to it from " + describeCas(keepTrusting));
        }
    }

    /** The current CA reached its renewal time: write a new CA as current, keeping the old one trusted. */
    record StartCaRotation(RenewalReason why) implements Step {
        public StartCaRotation {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "StartCaRotation";
        }

        @Override
        public String message() {
            return why.message() + ": creating the next CA and adding it to the CA Secret";
        }
    }

    /**
     * Some {@code caBundle} lacks a trusted CA (a new one, or the bundle was wiped): apply {@code bundle}
     * to every webhook of both configurations.
     */
    record AppendNewCa(List<X509Certificate> bundle, List<String> lacking) implements Step {
        public AppendNewCa {
            bundle = List.copyOf(bundle);
            lacking = List.copyOf(lacking);
        }

        @Override
        public String name() {
            return "AppendNewCa";
        }

        @Override
        public String message() {
            return "caBundle of " + String.join("; ", lacking) + " lacks a trusted CA: applying " + describeCas(bundle);
        }
    }

    /** Every {@code caBundle} carries every trusted CA; wait until the API server has surely loaded them. */
    record WaitForBundle(Instant until) implements Step {
        public WaitForBundle {
            Objects.requireNonNull(until, "until");
        }

        @Override
        public String name() {
            return "WaitForBundle";
        }

        @Override
        public String message() {
            return "waiting until " + until + " for the new caBundle to propagate";
        }
    }

    /** Clients trust the new CA: issue the serving certificate from it. */
    record IssueLeafFromNewCa(RenewalReason.CaChanged why) implements Step {
        public IssueLeafFromNewCa {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "IssueLeafFromNewCa";
        }

        @Override
        public String message() {
            return why.message() + ": issuing a serving certificate from the current CA";
        }
    }

    /** Issue a new serving certificate from the current CA now (the CA itself does not change). */
    record RenewLeaf(RenewalReason why) implements Step {
        public RenewLeaf {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public String name() {
            return "RenewLeaf";
        }

        @Override
        public String message() {
            return why.message() + ": issuing a new serving certificate";
        }
    }

    /**
     * Wait until every ready replica serves the new certificate, then the propagation delay. {@code lagging}
     * names the ready replicas still serving another one; {@code until} is when to look again at the latest
     * (a lagging replica stops counting as ready then, or the delay is over).
     */
    record WaitForReplicas(Instant until, List<String> lagging) implements Step {
        public WaitForReplicas {
            Objects.requireNonNull(until, "until");
            lagging = List.copyOf(lagging);
        }

        @Override
        public String name() {
            return "WaitForReplicas";
        }

        @Override
        public String message() {
            return lagging.isEmpty()
                    ? "every ready webhook replica serves the new certificate; waiting until " + until + " before dropping the old CA"
                    : "webhook replicas " + lagging + " still serve another certificate; looking again by " + until;
        }
    }

    /**
     * Stop trusting {@code dropped}: write the CA Secret without them first, then apply {@code bundle}. (In
     * the other order, a crash between the writes would make the planner append the old CA again.)
     */
    record DropOldCa(List<X509Certificate> dropped, List<X509Certificate> bundle) implements Step {
        public DropOldCa {
            dropped = List.copyOf(dropped);
            bundle = List.copyOf(bundle);
        }

        @Override
        public String name() {
            return "DropOldCa";
        }

        @Override
        public String message() {
            return "dropping " + describeCas(dropped) + " from the CA Secret and every caBundle";
        }
    }

    /** The serving Secret's {@code ca.crt} differs from the trusted CAs: rewrite it (the certificate stays). */
    record RefreshCaCrt(List<X509Certificate> trusted) implements Step {
        public RefreshCaCrt {
            trusted = List.copyOf(trusted);
        }

        @Override
        public String name() {
            return "RefreshCaCrt";
        }

        @Override
        public String message() {
            return "ca.crt of the serving Secret differs from the trusted CAs: writing " + describeCas(trusted);
        }
    }

    /** Nothing to do until {@code recheckAt}, when the serving certificate or the CA is due for renewal. */
    record Done(Instant recheckAt) implements Step {
        public Done {
            Objects.requireNonNull(recheckAt, "recheckAt");
        }

        @Override
        public String name() {
            return "Done";
        }

        @Override
        public String message() {
            return "certificates are in place; next renewal due at " + recheckAt;
        }
    }
}
