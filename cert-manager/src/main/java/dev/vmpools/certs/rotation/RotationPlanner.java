package dev.vmpools.certs.rotation;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.ChainVerification;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.pki.SubjectAltNames;
import dev.vmpools.certs.renewal.RenewalPolicy;
import dev.vmpools.certs.renewal.RenewalReason;
import dev.vmpools.certs.rotation.Progress.BundleSeen;
import dev.vmpools.certs.rotation.Progress.ReplicasSeen;

/**
 * The next step towards certificates that every client trusts, as a pure function of an
 * {@link Observation}, the {@link Progress} remembered from earlier observations, and the time.
 *
 * <p>In order:
 * <ol>
 * <li>A missing or unusable CA is replaced ({@link Step.CreateCa}); a CA at its renewal time starts a
 *     rotation ({@link Step.StartCaRotation}) unless one is under way.
 * <li>A serving certificate that cannot serve (missing, unreadable, wrong key, outside its validity) is
 *     replaced at once: there is nothing left to protect.
 * <li>Every {@code caBundle} must carry every trusted CA ({@link Step.AppendNewCa}); from the first
 *     observation in which they all do, the propagation delay runs.
 * <li>A serving certificate from a CA other than the current one is replaced once the delay has passed
 *     ({@link Step.WaitForBundle}, then {@link Step.IssueLeafFromNewCa}), at once if no {@code caBundle}
 *     verifies it anyway. Changed names and the renewal time replace it from the current CA
 *     ({@link Step.RenewLeaf}): the bundle does not change.
 * <li>During a rotation, the previous CAs are dropped ({@link Step.DropOldCa}) once every ready replica
 *     reports serving the current certificate, plus the delay ({@link Step.WaitForReplicas}). A replica is
 *     ready while its Lease was renewed less than {@code readyWithin} (30 s) ago.
 * <li>A {@code caBundle} carrying CAs no longer trusted is trimmed; a stale {@code ca.crt} is rewritten.
 * </ol>
 */
public final class RotationPlanner {

    /** A replica whose Lease was renewed longer ago than this does not count as ready (DESIGN §5). */
    public static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private final RenewalPolicy policy;
    private final SubjectAltNames required;
    private final Duration propagationDelay;
    private final Duration readyWithin;

    public RotationPlanner(RenewalPolicy policy, SubjectAltNames required, Duration propagationDelay,
            Duration readyWithin) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.required = Objects.requireNonNull(required, "required");
        this.propagationDelay = Objects.requireNonNull(propagationDelay, "propagationDelay");
        this.readyWithin = Objects.requireNonNull(readyWithin, "readyWithin");
        if (propagationDelay.isNegative()) {
            throw new IllegalArgumentException("propagationDelay: must not be negative, was " + propagationDelay);
        }
        if (readyWithin.isNegative() || readyWithin.isZero()) {
            throw new IllegalArgumentException("readyWithin: must be positive, was " + readyWithin);
        }
    }

    public RotationPlanner(RenewalPolicy policy, SubjectAltNames required, Duration propagationDelay) {
        this(policy, required, propagationDelay, READY_WITHIN);
    }

    /** The next step, and what to remember for the next observation. */
    public Plan next(Observation observed, Progress progress, Instant now) {
        var material = observed.material();

        var caReason = policy.caRenewal(material, now);
        if (caReason.isPresent() && !(caReason.get() instanceof RenewalReason.CaExpiring)) {
            return new Plan(new Step.CreateCa(caReason.get(), stillServingCa(observed, now)), Progress.none());
        }
        var cas = material.presentCas().orElseThrow(() -> new IllegalStateException("CA checks passed without a CA"));
        if (caReason.isPresent() && !cas.rotating()) {
            return new Plan(new Step.StartCaRotation(caReason.get()), progress);
        }

        var servingReason = policy.servingRenewal(material, required, now);
        if (servingReason.isPresent() && cannotServe(servingReason.get())) {
            return new Plan(new Step.RenewLeaf(servingReason.get()), progress);
        }
        var serving = material.presentServing()
                .orElseThrow(() -> new IllegalStateException("serving checks passed without a serving certificate"));

        var trusted = cas.trusted();
        var lacking = observed.bundles().stream()
                .filter(bundle -> !bundle.cas().containsAll(trusted))
                .map(BundleReadBack::where)
                .toList();
        if (!lacking.isEmpty()) {
            return new Plan(new Step.AppendNewCa(trusted, lacking), progress.withBundle(Optional.empty()));
        }
        var bundleSeen = progress.bundle()
                .filter(seen -> sameSet(seen.trusted(), trusted))
                .orElseGet(() -> new BundleSeen(trusted, now));
        progress = progress.withBundle(Optional.of(bundleSeen));
        var propagatedAt = bundleSeen.since().plus(propagationDelay);
        var propagated = !now.isBefore(propagatedAt);

        if (servingReason.isPresent()) {
            if (servingReason.get() instanceof RenewalReason.CaChanged caChanged
                    && serving.verifyAgainst(common(observed.bundles()), now).verified()) {
                return new Plan(propagated ? new Step.IssueLeafFromNewCa(caChanged) : new Step.WaitForBundle(propagatedAt),
                        progress);
            }
            return new Plan(new Step.RenewLeaf(servingReason.get()), progress);
        }

        if (cas.rotating()) {
            if (!propagated) {
                return new Plan(new Step.WaitForBundle(propagatedAt), progress);
            }
            return dropWhenReplicasServe(observed, progress, cas, serving, now);
        }

        var untrusted = new LinkedHashSet<X509Certificate>();
        observed.bundles().forEach(bundle -> untrusted.addAll(bundle.cas()));
        trusted.forEach(untrusted::remove);
        if (!untrusted.isEmpty()) {
            return new Plan(new Step.DropOldCa(List.copyOf(untrusted), trusted), progress);
        }

        if (!sameSet(serving.caCertificates(), trusted)) {
            return new Plan(new Step.RefreshCaCrt(trusted), progress);
        }
        var recheckAt = min(policy.renewAt(serving.leaf()), policy.renewAt(cas.current().certificate()));
        return new Plan(new Step.Done(recheckAt), progress);
    }

    private Plan dropWhenReplicasServe(Observation observed, Progress progress, CaSet cas, ServingMaterial serving,
            Instant now) {
        var serial = serving.leaf().getSerialNumber();
        var lagging = observed.replicas().stream()
                .filter(replica -> ready(replica, now))
                .filter(replica -> !replica.servingSerial().equals(Optional.of(serial)))
                .sorted(Comparator.comparing(ReplicaReport::instance))
                .toList();
        if (!lagging.isEmpty()) {
            var until = lagging.stream().map(replica -> replica.renewTime().plus(readyWithin)).min(Comparator.naturalOrder())
                    .orElseThrow();
            return new Plan(new Step.WaitForReplicas(until, lagging.stream().map(ReplicaReport::instance).toList()),
                    progress.withReplicas(Optional.empty()));
        }
        var replicasSeen = progress.replicas()
                .filter(seen -> seen.serial().equals(serial))
                .orElseGet(() -> new ReplicasSeen(serial, now));
        progress = progress.withReplicas(Optional.of(replicasSeen));
        var droppableAt = replicasSeen.since().plus(propagationDelay);
        if (now.isBefore(droppableAt)) {
            return new Plan(new Step.WaitForReplicas(droppableAt, List.of()), progress);
        }
        return new Plan(new Step.DropOldCa(cas.previous(), List.of(cas.current().certificate())), progress);
    }

    private boolean ready(ReplicaReport replica, Instant now) {
        return now.isBefore(replica.renewTime().plus(readyWithin));
    }

    /** A serving certificate no client could use: replacing it at once cannot break anything. */
    private static boolean cannotServe(RenewalReason reason) {
        return reason instanceof RenewalReason.Missing
                || reason instanceof RenewalReason.Malformed
                || reason instanceof RenewalReason.KeyMismatch
                || reason instanceof RenewalReason.Expired
                || reason instanceof RenewalReason.NotYetValid;
    }

    /**
     * The CA that the serving certificate verifies against in every {@code caBundle}, if it is usable: when
     * the CA Secret is replaced, clients keep trusting it until the new serving certificate is in place.
     */
    private static List<X509Certificate> stillServingCa(Observation observed, Instant now) {
        return observed.material().presentServing()
                .filter(ServingMaterial::keyMatchesCertificate)
                .map(serving -> serving.verifyAgainst(common(observed.bundles()), now))
                .filter(ChainVerification.Verified.class::isInstance)
                .map(verified -> List.of(((ChainVerification.Verified) verified).anchor()))
                .orElse(List.of());
    }

    /** The CAs every {@code caBundle} carries. */
    private static List<X509Certificate> common(List<BundleReadBack> bundles) {
        if (bundles.isEmpty()) {
            return List.of();
        }
        var common = new LinkedHashSet<>(bundles.getFirst().cas());
        bundles.forEach(bundle -> common.retainAll(bundle.cas()));
        return List.copyOf(common);
    }

    private static boolean sameSet(List<X509Certificate> a, List<X509Certificate> b) {
        return new HashSet<>(a).equals(new HashSet<>(b));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** A step and the progress to pass to the next call. */
    public record Plan(Step step, Progress progress) {
        public Plan {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(progress, "progress");
        }
    }
}
