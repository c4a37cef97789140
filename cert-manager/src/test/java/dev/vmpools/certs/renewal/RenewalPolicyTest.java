package dev.vmpools.certs.renewal;

import static dev.vmpools.certs.pki.TestMaterial.NAMES;
import static dev.vmpools.certs.pki.TestMaterial.RANDOM;
import static dev.vmpools.certs.pki.TestMaterial.T0;
import static dev.vmpools.certs.renewal.Material.CA_SECRET;
import static dev.vmpools.certs.renewal.Material.SERVING_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.CertificateAuthority;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.pki.SubjectAltNames;
import dev.vmpools.certs.pki.TestMaterial;
import dev.vmpools.certs.pki.Validity;
import dev.vmpools.certs.renewal.RenewalReason.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenewalPolicyTest {

    private static final RenewalPolicy POLICY = RenewalPolicy.atTwoThirds();
    private static final CertificateAuthority CA = TestMaterial.ca(T0);
    private static final ServingMaterial SERVING = TestMaterial.leaf(CA, T0);
    // 90 days plus the 5 minute backdate: 7,776,300 s, two thirds of it 5,184,200 s.
    private static final Instant LEAF_RENEW_AT = T0.minus(Duration.ofMinutes(5)).plusSeconds(5_184_200);
    private static final Instant LEAF_NOT_AFTER = T0.plus(Duration.ofDays(90));
    private static final Duration NANO = Duration.ofNanos(1);

    private static Material material(CaSet cas, ServingMaterial serving) {
        return new Material(Stored.present(CA_SECRET, cas), Stored.present(SERVING_SECRET, serving));
    }

    private static Material healthy() {
        return material(CaSet.of(CA), SERVING);
    }

    @Test
    void computesTheRenewalTimeAtTwoThirdsOfTheLifeIncludingTheBackdate() {
        assertThat(POLICY.renewAt(SERVING.leaf())).isEqualTo(LEAF_RENEW_AT);
        assertThat(SERVING.leaf().getNotAfter().toInstant()).isEqualTo(LEAF_NOT_AFTER);
    }

    static Stream<Arguments> servingBoundaries() {
        return Stream.of(
                Arguments.of("at issuance", T0, null),
                Arguments.of("one second before 2/3", LEAF_RENEW_AT.minusSeconds(1), null),
                Arguments.of("one nanosecond before 2/3", LEAF_RENEW_AT.minus(NANO), null),
                Arguments.of("at 2/3", LEAF_RENEW_AT, "Expiring"),
                Arguments.of("one nanosecond after 2/3", LEAF_RENEW_AT.plus(NANO), "Expiring"),
                Arguments.of("one second after 2/3", LEAF_RENEW_AT.plusSeconds(1), "Expiring"),
                Arguments.of("at notAfter", LEAF_NOT_AFTER, "Expiring"),
                Arguments.of("one nanosecond after notAfter", LEAF_NOT_AFTER.plus(NANO), "Expired"),
                Arguments.of("a year after notAfter", LEAF_NOT_AFTER.plus(Duration.ofDays(365)), "Expired"),
                Arguments.of("at notBefore", T0.minus(Duration.ofMinutes(5)), null),
                Arguments.of("one nanosecond before notBefore", T0.minus(Duration.ofMinutes(5)).minus(NANO), "NotYetValid"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("servingBoundaries")
    void renewsTheServingCertificateFromTwoThirdsOfItsLife(String when, Instant now, String reason) {
        assertThat(POLICY.servingRenewal(healthy(), NAMES, now).map(RenewalReason::reason))
                .isEqualTo(Optional.ofNullable(reason));
    }

    @Test
    void roundsTwoThirdsOfALifeNotDivisibleByThreeDownToTheNanosecond() {
        var serving = CA.issueServingCertificate(NAMES, new Validity(Duration.ofSeconds(100), Duration.ZERO), T0, RANDOM);
        var renewAt = T0.plus(Duration.ofSeconds(66, 666_666_666));

        assertThat(POLICY.renewAt(serving.leaf())).isEqualTo(renewAt);
        assertThat(POLICY.servingRenewal(material(CaSet.of(CA), serving), NAMES, renewAt.minus(NANO))).isEmpty();
        assertThat(POLICY.servingRenewal(material(CaSet.of(CA), serving), NAMES, renewAt))
                .get().isInstanceOf(RenewalReason.Expiring.class);
    }

    @Test
    void renewsAtAnotherFractionWhenConfigured() {
        var threeQuarters = RenewalPolicy.atFractionOfLife(3, 4);
        var renewAt = T0.minus(Duration.ofMinutes(5)).plusSeconds(7_776_300L * 3 / 4);

        assertThat(threeQuarters.renewAt(SERVING.leaf())).isEqualTo(renewAt);
        assertThat(threeQuarters.servingRenewal(healthy(), NAMES, renewAt.minus(NANO))).isEmpty();
        assertThat(threeQuarters.servingRenewal(healthy(), NAMES, renewAt)).get()
                .extracting(RenewalReason::message).asString().contains("reached 3/4 of its life");
    }

    static Stream<Arguments> caBoundaries() {
        // Three years plus the 5 minute backdate: 94,608,300 s, two thirds of it 63,072,200 s.
        var renewAt = T0.minus(Duration.ofMinutes(5)).plusSeconds(63_072_200);
        var notAfter = T0.plus(Duration.ofDays(3 * 365));
        return Stream.of(
                Arguments.of("one second before 2/3", renewAt.minusSeconds(1), null),
                Arguments.of("one nanosecond before 2/3", renewAt.minus(NANO), null),
                Arguments.of("at 2/3", renewAt, "CaExpiring"),
                Arguments.of("one nanosecond after 2/3", renewAt.plus(NANO), "CaExpiring"),
                Arguments.of("at notAfter", notAfter, "CaExpiring"),
                Arguments.of("one nanosecond after notAfter", notAfter.plus(NANO), "Expired"),
                Arguments.of("one nanosecond before notBefore", T0.minus(Duration.ofMinutes(5)).minus(NANO), "NotYetValid"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("caBoundaries")
    void rotatesTheCaFromTwoThirdsOfItsLife(String when, Instant now, String reason) {
        assertThat(POLICY.caRenewal(healthy(), now).map(RenewalReason::reason)).isEqualTo(Optional.ofNullable(reason));
    }

    @Test
    void findsNothingToDoForFreshMaterial() {
        assertThat(POLICY.renewal(healthy(), NAMES, T0)).isEmpty();
    }

    @Test
    void reportsMissingSecrets() {
        var noServing = new Material(Stored.present(CA_SECRET, CaSet.of(CA)), Stored.absent(SERVING_SECRET));
        var nothing = new Material(Stored.absent(CA_SECRET), Stored.absent(SERVING_SECRET));

        assertThat(POLICY.renewal(noServing, NAMES, T0)).contains(new RenewalReason.Missing(SERVING_SECRET));
        assertThat(POLICY.renewal(nothing, NAMES, T0)).contains(new RenewalReason.Missing(CA_SECRET));
        assertThat(POLICY.renewal(nothing, NAMES, T0).orElseThrow().message())
                .isEqualTo("Secret vmpools-webhook-ca does not exist");
    }

    @Test
    void reportsGarbagePemAsMalformedNamingSecretAndDataKey() {
        var garbage = new Material(Stored.present(CA_SECRET, CaSet.of(CA)),
                Stored.decoded(SERVING_SECRET, ServingMaterial.decode("-----BEGIN PRIVATE KEY-----\nAAAA", "x", "")));

        var reason = POLICY.servingRenewal(garbage, NAMES, T0).orElseThrow();

        assertThat(reason.reason()).isEqualTo("Malformed");
        assertThat(reason.message()).startsWith("Secret vmpools-webhook-tls cannot be used: tls.key: not valid PEM");
    }

    @Test
    void reportsAGarbageCaSecretAsMalformed() {
        var garbage = new Material(Stored.decoded(CA_SECRET, CaSet.decode("k", "c", null)), Stored.present(SERVING_SECRET,
                SERVING));

        assertThat(POLICY.renewal(garbage, NAMES, T0)).contains(new RenewalReason.Malformed(CA_SECRET,
                "tls.key: no PEM block found (expected one PRIVATE KEY)"));
    }

    @Test
    void reportsAServingKeyThatDoesNotMatchItsCertificate() {
        var other = TestMaterial.leaf(CA, T0);
        var tampered = new ServingMaterial(other.key(), SERVING.chain(), SERVING.caCertificates());

        var reason = POLICY.servingRenewal(material(CaSet.of(CA), tampered), NAMES, T0).orElseThrow();

        assertThat(reason).isEqualTo(new RenewalReason.KeyMismatch(SERVING_SECRET, Role.SERVING, SERVING.leaf()));
        assertThat(reason.message()).isEqualTo("Secret vmpools-webhook-tls: tls.key is not the private key of the serving "
                + "certificate " + ServingMaterial.describe(SERVING.leaf()) + " in tls.crt");
    }

    @Test
    void reportsACaKeyThatDoesNotMatchItsCertificate() {
        var tampered = CaSet.of(new CertificateAuthority(TestMaterial.ca(T0).key(), CA.certificate()));

        assertThat(POLICY.caRenewal(material(tampered, SERVING), T0))
                .contains(new RenewalReason.KeyMismatch(CA_SECRET, Role.CA, CA.certificate()));
    }

    @Test
    void reportsACaSecretHoldingAServingCertificateAsMalformed() {
        var notACa = CaSet.of(new CertificateAuthority(SERVING.key(), SERVING.leaf()));

        var reason = POLICY.caRenewal(material(notACa, SERVING), T0).orElseThrow();

        assertThat(reason.reason()).isEqualTo("Malformed");
        assertThat(reason.message()).contains("is not a CA certificate");
    }

    @Test
    void reportsANonEcCaKeyAsMalformed() throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var rsa = CaSet.of(new CertificateAuthority(generator.generateKeyPair().getPrivate(), CA.certificate()));

        assertThat(POLICY.caRenewal(material(rsa, SERVING), T0)).contains(new RenewalReason.Malformed(CA_SECRET,
                "tls.key: the CA key is RSA, expected an EC P-256 key"));
    }

    @Test
    void reportsANameAddedToTheRequiredOnes() {
        var required = NAMES.plus("webhook.example.org");

        assertThat(POLICY.servingRenewal(healthy(), required, T0)).contains(new RenewalReason.SanChanged(SERVING_SECRET,
                SERVING.leaf(), new java.util.TreeSet<>(List.of("webhook.example.org")), new java.util.TreeSet<>()));
    }

    @Test
    void reportsANameRemovedFromTheRequiredOnes() {
        var required = SubjectAltNames.webhookService();

        var reason = POLICY.servingRenewal(healthy(), required, T0).orElseThrow();

        assertThat(reason).isEqualTo(new RenewalReason.SanChanged(SERVING_SECRET, SERVING.leaf(),
                new java.util.TreeSet<>(), new java.util.TreeSet<>(List.of("127.0.0.1"))));
        assertThat(reason.message()).endsWith("carries names no longer configured [127.0.0.1]");
    }

    @Test
    void reportsAServingCertificateFromAnotherCa() {
        var next = TestMaterial.ca(T0.plusSeconds(1));

        var reason = POLICY.servingRenewal(material(CaSet.of(CA).rotateTo(next), SERVING), NAMES, T0).orElseThrow();

        assertThat(reason).isEqualTo(new RenewalReason.CaChanged(SERVING_SECRET, SERVING.leaf(), next.certificate()));
        assertThat(reason.message()).contains("was issued by \"CN=vmpools-webhook-ca@" + T0.getEpochSecond()
                + "\", not by the current CA \"CN=vmpools-webhook-ca@" + (T0.getEpochSecond() + 1) + "\"");
    }

    @Test
    void reportsACaChangeBeforeChangedNamesAndTheRenewalTime() {
        var next = TestMaterial.ca(T0.plusSeconds(1));

        assertThat(POLICY.servingRenewal(material(CaSet.of(CA).rotateTo(next), SERVING), SubjectAltNames.webhookService(),
                LEAF_RENEW_AT).map(RenewalReason::reason)).contains("CaChanged");
    }

    @Test
    void reportsExpiryBeforeACaChange() {
        var next = TestMaterial.ca(T0.plusSeconds(1));

        assertThat(POLICY.servingRenewal(material(CaSet.of(CA).rotateTo(next), SERVING), NAMES,
                LEAF_NOT_AFTER.plus(NANO)).map(RenewalReason::reason)).contains("Expired");
    }

    @Test
    void reportsTheCaBeforeTheServingCertificate() {
        var bothExpired = LEAF_NOT_AFTER.plus(Duration.ofDays(3 * 365));

        assertThat(POLICY.renewal(healthy(), NAMES, bothExpired)).get()
                .isEqualTo(new RenewalReason.Expired(CA_SECRET, Role.CA, CA.certificate(), bothExpired));
    }

    @Test
    void tellsThePersonOnCallWhatAndWhen() {
        var reason = POLICY.servingRenewal(healthy(), NAMES, LEAF_RENEW_AT).orElseThrow();

        assertThat(reason.message()).isEqualTo("the serving certificate " + ServingMaterial.describe(SERVING.leaf())
                + " in Secret vmpools-webhook-tls reached 2/3 of its life at " + LEAF_RENEW_AT + " and expires at "
                + LEAF_NOT_AFTER);
        assertThat(POLICY.servingRenewal(healthy(), NAMES, LEAF_NOT_AFTER.plusSeconds(1)).orElseThrow().message())
                .endsWith("expired at " + LEAF_NOT_AFTER + " (now " + LEAF_NOT_AFTER.plusSeconds(1) + ")");
    }

    @Test
    void namesEveryReasonInStablePascalCase() {
        var next = TestMaterial.ca(T0.plusSeconds(1));
        List<RenewalReason> reasons = List.of(
                new RenewalReason.Missing(SERVING_SECRET),
                new RenewalReason.Malformed(SERVING_SECRET, "x"),
                new RenewalReason.KeyMismatch(SERVING_SECRET, Role.SERVING, SERVING.leaf()),
                new RenewalReason.Expired(SERVING_SECRET, Role.SERVING, SERVING.leaf(), T0),
                new RenewalReason.NotYetValid(SERVING_SECRET, Role.SERVING, SERVING.leaf(), T0),
                new RenewalReason.Expiring(SERVING_SECRET, SERVING.leaf(), T0, "2/3"),
                new RenewalReason.SanChanged(SERVING_SECRET, SERVING.leaf(), new java.util.TreeSet<>(List.of("a")),
                        new java.util.TreeSet<>()),
                new RenewalReason.CaChanged(SERVING_SECRET, SERVING.leaf(), next.certificate()),
                new RenewalReason.CaExpiring(CA_SECRET, CA.certificate(), T0, "2/3"));

        assertThat(reasons).extracting(RenewalReason::reason).containsExactly("Missing", "Malformed", "KeyMismatch",
                "Expired", "NotYetValid", "Expiring", "SanChanged", "CaChanged", "CaExpiring");
        assertThat(reasons).allSatisfy(reason -> assertThat(reason.reason()).isEqualTo(reason.getClass().getSimpleName()));
    }
}
