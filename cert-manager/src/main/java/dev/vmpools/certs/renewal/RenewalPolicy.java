package dev.vmpools.certs.renewal;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.CertificateAuthority;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.pki.SubjectAltNames;
import dev.vmpools.certs.renewal.RenewalReason.Role;

/**
 * Whether the CA or the serving certificate must be replaced: a chain of small pure checks, each a
 * function of (material, required names, now); the first that finds a reason wins.
 *
 * <p>A certificate is due for renewal at {@code notBefore + fraction × (notAfter − notBefore)}, computed
 * to the nanosecond and rounded down (by default at 2/3 of its life), and expired once {@code now} is
 * after {@code notAfter} (X.509 validity includes notAfter itself).
 *
 * <p>The serving checks run in order of urgency: a certificate that cannot serve at all (missing,
 * unreadable, wrong key, outside its validity) comes first; then one from another CA, which a rotation
 * replaces only once the new CA is in every {@code caBundle}; then changed names and the renewal time.
 */
public final class RenewalPolicy {

    /** One link of the chain. */
    @FunctionalInterface
    public interface Check {
        Optional<RenewalReason> check(Material material, SubjectAltNames required, Instant now);
    }

    private final long numerator;
    private final long denominator;
    private final List<Check> caChecks;
    private final List<Check> servingChecks;

    private RenewalPolicy(long numerator, long denominator) {
        if (numerator <= 0 || denominator <= 0 || numerator >= denominator) {
            throw new IllegalArgumentException("renewal fraction: must be between 0 and 1 exclusive, was "
                    + numerator + "/" + denominator);
        }
        this.numerator = numerator;
        this.denominator = denominator;
        this.caChecks = List.of(RenewalPolicy::caMissing, RenewalPolicy::caMalformed, RenewalPolicy::caKeyMismatch,
                RenewalPolicy::caExpired, RenewalPolicy::caNotYetValid, this::caExpiring);
        this.servingChecks = List.of(RenewalPolicy::servingMissing, RenewalPolicy::servingMalformed,
                RenewalPolicy::servingKeyMismatch, RenewalPolicy::servingExpired, RenewalPolicy::servingNotYetValid,
                RenewalPolicy::caChanged, RenewalPolicy::sanChanged, this::expiring);
    }

    /** Renewal at 2/3 of the life, as cert-manager does by default. */
    public static RenewalPolicy atTwoThirds() {
        return atFractionOfLife(2, 3);
    }

    /** Renewal at {@code numerator/denominator} of the life. */
    public static RenewalPolicy atFractionOfLife(long numerator, long denominator) {
        return new RenewalPolicy(numerator, denominator);
    }

    /** Why the CA Secret must be replaced (or a CA rotation started), if it must. */
    public Optional<RenewalReason> caRenewal(Material material, Instant now) {
        return firstReason(caChecks, material, null, now);
    }

    /** Why the serving Secret must be replaced, if it must; relative to the current CA when the CA Secret is usable. */
    public Optional<RenewalReason> servingRenewal(Material material, SubjectAltNames required, Instant now) {
        return firstReason(servingChecks, material, required, now);
    }

    /** The first reason of the CA checks, then of the serving checks. */
    public Optional<RenewalReason> renewal(Material material, SubjectAltNames required, Instant now) {
        return caRenewal(material, now).or(() -> servingRenewal(material, required, now));
    }

    /** When {@code certificate} is due for renewal. */
    public Instant renewAt(X509Certificate certificate) {
        var notBefore = certificate.getNotBefore().toInstant();
        var life = Duration.between(notBefore, certificate.getNotAfter().toInstant());
        // Duration.dividedBy rounds towards zero to the nanosecond.
        return notBefore.plus(life.multipliedBy(numerator).dividedBy(denominator));
    }

    public String lifeFraction() {
        return numerator + "/" + denominator;
    }

    private static Optional<RenewalReason> firstReason(List<Check> checks, Material material, SubjectAltNames required,
            Instant now) {
        for (var check : checks) {
            var reason = check.check(material, required, now);
            if (reason.isPresent()) {
                return reason;
            }
        }
        return Optional.empty();
    }

    // --- the CA Secret

    static Optional<RenewalReason> caMissing(Material material, SubjectAltNames required, Instant now) {
        return material.cas() instanceof Stored.Absent<CaSet> absent
                ? Optional.of(new RenewalReason.Missing(absent.secret()))
                : Optional.empty();
    }

    static Optional<RenewalReason> caMalformed(Material material, SubjectAltNames required, Instant now) {
        return switch (material.cas()) {
            case Stored.Unreadable<CaSet> u -> Optional.of(new RenewalReason.Malformed(u.secret(), u.problem()));
            case Stored.Present<CaSet> p when !p.value().current().isCa() -> Optional.of(new RenewalReason.Malformed(
                    p.secret(), "tls.crt: " + ServingMaterial.describe(p.value().current().certificate())
                            + " is not a CA certificate (basicConstraints CA=false or missing)"));
            case Stored.Present<CaSet> p when !"EC".equals(p.value().current().key().getAlgorithm()) -> Optional.of(
                    new RenewalReason.Malformed(p.secret(), "tls.key: the CA key is " + p.value().current().key().getAlgorithm()
                            + ", expected an EC P-256 key"));
            default -> Optional.empty();
        };
    }

    static Optional<RenewalReason> caKeyMismatch(Material material, SubjectAltNames required, Instant now) {
        return presentCa(material)
                .filter(ca -> !ca.keyMatches())
                .map(ca -> new RenewalReason.KeyMismatch(material.cas().secret(), Role.CA, ca.certificate()));
    }

    static Optional<RenewalReason> caExpired(Material material, SubjectAltNames required, Instant now) {
        return presentCa(material)
                .filter(ca -> expired(ca.certificate(), now))
                .map(ca -> new RenewalReason.Expired(material.cas().secret(), Role.CA, ca.certificate(), now));
    }

    static Optional<RenewalReason> caNotYetValid(Material material, SubjectAltNames required, Instant now) {
        return presentCa(material)
                .filter(ca -> notYetValid(ca.certificate(), now))
                .map(ca -> new RenewalReason.NotYetValid(material.cas().secret(), Role.CA, ca.certificate(), now));
    }

    Optional<RenewalReason> caExpiring(Material material, SubjectAltNames required, Instant now) {
        return presentCa(material)
                .filter(ca -> !now.isBefore(renewAt(ca.certificate())))
                .map(ca -> new RenewalReason.CaExpiring(material.cas().secret(), ca.certificate(),
                        renewAt(ca.certificate()), lifeFraction()));
    }

    // --- the serving Secret

    static Optional<RenewalReason> servingMissing(Material material, SubjectAltNames required, Instant now) {
        return material.serving() instanceof Stored.Absent<ServingMaterial> absent
                ? Optional.of(new RenewalReason.Missing(absent.secret()))
                : Optional.empty();
    }

    static Optional<RenewalReason> servingMalformed(Material material, SubjectAltNames required, Instant now) {
        return material.serving() instanceof Stored.Unreadable<ServingMaterial> u
                ? Optional.of(new RenewalReason.Malformed(u.secret(), u.problem()))
                : Optional.empty();
    }

    static Optional<RenewalReason> servingKeyMismatch(Material material, SubjectAltNames required, Instant now) {
        return material.presentServing()
                .filter(serving -> !serving.keyMatchesCertificate())
                .map(serving -> new RenewalReason.KeyMismatch(material.serving().secret(), Role.SERVING, serving.leaf()));
    }

    static Optional<RenewalReason> servingExpired(Material material, SubjectAltNames required, Instant now) {
        return material.presentServing()
                .filter(serving -> expired(serving.leaf(), now))
                .map(serving -> new RenewalReason.Expired(material.serving().secret(), Role.SERVING, serving.leaf(), now));
    }

    static Optional<RenewalReason> servingNotYetValid(Material material, SubjectAltNames required, Instant now) {
        return material.presentServing()
                .filter(serving -> notYetValid(serving.leaf(), now))
                .map(serving -> new RenewalReason.NotYetValid(material.serving().secret(), Role.SERVING, serving.leaf(),
                        now));
    }

    static Optional<RenewalReason> caChanged(Material material, SubjectAltNames required, Instant now) {
        return material.presentServing().flatMap(serving -> presentCa(material)
                .filter(ca -> !ca.signed(serving.leaf()))
                .map(ca -> new RenewalReason.CaChanged(material.serving().secret(), serving.leaf(), ca.certificate())));
    }

    static Optional<RenewalReason> sanChanged(Material material, SubjectAltNames required, Instant now) {
        return material.presentServing().flatMap(serving -> {
            var missing = required.missingFrom(serving.leaf());
            var extra = required.extraIn(serving.leaf());
            return missing.isEmpty() && extra.isEmpty()
                    ? Optional.empty()
                    : Optional.of(new RenewalReason.SanChanged(material.serving().secret(), serving.leaf(), missing, extra));
        });
    }

    Optional<RenewalReason> expiring(Material material, SubjectAltNames required, Instant now) {
        return material.presentServing()
                .filter(serving -> !now.isBefore(renewAt(serving.leaf())))
                .map(serving -> new RenewalReason.Expiring(material.serving().secret(), serving.leaf(),
                        renewAt(serving.leaf()), lifeFraction()));
    }

    private static Optional<CertificateAuthority> presentCa(Material material) {
        return material.presentCas().map(CaSet::current);
    }

    private static boolean expired(X509Certificate certificate, Instant now) {
        return now.isAfter(certificate.getNotAfter().toInstant());
    }

    private static boolean notYetValid(X509Certificate certificate, Instant now) {
        return now.isBefore(certificate.getNotBefore().toInstant());
    }
}
