package dev.vmpools.certs.rotation;

import static dev.vmpools.certs.pki.TestMaterial.NAMES;
import static dev.vmpools.certs.pki.TestMaterial.T0;
import static dev.vmpools.certs.rotation.World.MUTATING;
import static dev.vmpools.certs.rotation.World.VALIDATING;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.CertificateAuthority;
import dev.vmpools.certs.pki.Pem;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.pki.SubjectAltNames;
import dev.vmpools.certs.pki.TestMaterial;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.renewal.RenewalPolicy;
import dev.vmpools.certs.renewal.RenewalReason;
import dev.vmpools.certs.renewal.Stored;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RotationPlannerTest {

    private static final Duration DELAY = Duration.ofSeconds(10);
    private static final Duration NANO = Duration.ofNanos(1);
    private static final RenewalPolicy POLICY = RenewalPolicy.atTwoThirds();
    private static final RotationPlanner PLANNER = new RotationPlanner(POLICY, NAMES, DELAY);
    private static final CertificateAuthority CA = TestMaterial.ca(T0);
    private static final Instant CA_RENEW_AT = POLICY.renewAt(CA.certificate());

    /** Settled a day before the CA's renewal time with replicas a and b, then brought to that time, Leases fresh. */
    private static World atCaRenewalTime() {
        var world = World.settled(PLANNER, CA, CA_RENEW_AT.minus(Duration.ofDays(1)), "a", "b");
        world.advance(Duration.ofDays(1));
        world.renewLease("a");
        world.renewLease("b");
        return world;
    }

    @Test
    void firstStartCreatesTheCaIssuesTheServingCertificateAndInjectsTheBundle() {
        var world = new World(PLANNER, T0);

        assertThat(world.step()).isEqualTo(new Step.CreateCa(new RenewalReason.Missing(Material.CA_SECRET), List.of()));
        assertThat(world.step()).isEqualTo(new Step.RenewLeaf(new RenewalReason.Missing(Material.SERVING_SECRET)));
        assertThat(world.step()).isEqualTo(new Step.AppendNewCa(List.of(world.caSet().current().certificate()),
                List.of(MUTATING, VALIDATING)));
        var done = world.step();

        assertThat(world.steps).containsExactly("CreateCa", "RenewLeaf", "AppendNewCa", "Done");
        assertThat(done).isEqualTo(new Step.Done(POLICY.renewAt(world.servingMaterial().leaf())));
        world.reload("a");
        world.assertEveryReplicaVerifiesAgainstEveryBundle();
    }

    @Test
    void restartWithSecretsInPlaceDoesNothing() {
        var world = World.settled(PLANNER, CA, T0, "a");

        assertThat(world.step()).isInstanceOf(Step.Done.class);
        assertThat(world.caSet().current()).isEqualTo(CA);
    }

    @Test
    void doneNamesTheEarlierOfTheTwoRenewalTimes() {
        var world = World.settled(PLANNER, CA, T0);

        assertThat(world.step()).isEqualTo(new Step.Done(POLICY.renewAt(world.servingMaterial().leaf())));
    }

    @Test
    void leafOnlyRotationRenewsFromTheSameCaWithoutTouchingTheBundle() {
        var world = World.settled(PLANNER, CA, T0, "a", "b");
        var bundlesBefore = List.copyOf(world.bundles.values());
        var old = world.servingMaterial().leaf();
        world.now = POLICY.renewAt(old);

        assertThat(world.step()).isInstanceOfSatisfying(Step.RenewLeaf.class,
                renew -> assertThat(renew.why().reason()).isEqualTo("Expiring"));
        world.assertEveryReplicaVerifiesAgainstEveryBundle();
        world.reload("a");
        world.assertEveryReplicaVerifiesAgainstEveryBundle();
        assertThat(world.step()).isInstanceOf(Step.Done.class);

        assertThat(world.steps).containsExactly("RenewLeaf", "Done");
        assertThat(world.bundles.values()).containsExactlyElementsOf(bundlesBefore);
        assertThat(world.servingMaterial().leaf().getSerialNumber()).isNotEqualTo(old.getSerialNumber());
        assertThat(CA.signed(world.servingMaterial().leaf())).isTrue();
    }

    @Test
    void leafOneNanosecondBeforeItsRenewalTimeIsLeftAlone() {
        var world = World.settled(PLANNER, CA, T0);
        world.now = POLICY.renewAt(world.servingMaterial().leaf()).minus(NANO);

        assertThat(world.step()).isInstanceOf(Step.Done.class);
    }

    @Test
    void changedNamesRenewTheLeafFromTheSameCa() {
        var world = World.settled(PLANNER, CA, T0);
        var planner = new RotationPlanner(POLICY, SubjectAltNames.webhookService(), DELAY);

        var plan = planner.next(world.observe(), world.progress, world.now);

        assertThat(plan.step()).isInstanceOfSatisfying(Step.RenewLeaf.class,
                renew -> assertThat(renew.why().reason()).isEqualTo("SanChanged"));
    }

    @Test
    void caRotationWalksEveryPhaseWithoutEverServingAnUntrustedCertificate() {
        var world = atCaRenewalTime();
        var oldLeaf = world.servingMaterial().leaf();

        // (0) The CA reached 2/3 of its life: a new CA joins the Secret.
        assertThat(world.step()).isInstanceOfSatisfying(Step.StartCaRotation.class,
                start -> assertThat(start.why().reason()).isEqualTo("CaExpiring"));
        var newCa = world.caSet().current().certificate();
        assertThat(world.caSet().trusted()).containsExactly(CA.certificate(), newCa);
        world.assertEveryReplicaVerifiesAgainstEveryBundle();

        // (1) Append the new CA to both configurations.
        assertThat(world.step()).isEqualTo(new Step.AppendNewCa(List.of(CA.certificate(), newCa), List.of(MUTATING, VALIDATING)));
        assertThat(world.bundles.values()).containsOnly(List.of(CA.certificate(), newCa));
        world.assertEveryReplicaVerifiesAgainstEveryBundle();

        // (2) Both read back with it: wait the propagation delay, to the nanosecond.
        var propagatedAt = world.now.plus(DELAY);
        assertThat(world.step()).isEqualTo(new Step.WaitForBundle(propagatedAt));
        world.now = propagatedAt.minus(NANO);
        assertThat(world.step()).isEqualTo(new Step.WaitForBundle(propagatedAt));

        // (3) Issue and serve the new leaf.
        world.now = propagatedAt;
        assertThat(world.step()).isInstanceOf(Step.IssueLeafFromNewCa.class);
        var newLeaf = world.servingMaterial().leaf();
        assertThat(CertificateAuthority.signedBy(newLeaf, newCa)).isTrue();
        world.assertEveryReplicaVerifiesAgainstEveryBundle();

        // (4) Replica a reloads; b renews its Lease but still serves the old leaf.
        world.advance(Duration.ofSeconds(1));
        world.reload("a");
        world.renewLease("b");
        assertThat(world.step()).isEqualTo(new Step.WaitForReplicas(world.now.plus(RotationPlanner.READY_WITHIN), List.of("b")));
        assertThat(world.served.get("b").leaf()).isEqualTo(oldLeaf);
        world.assertEveryReplicaVerifiesAgainstEveryBundle();

        // b catches up; the delay runs from then.
        world.advance(Duration.ofSeconds(5));
        world.reload("b");
        world.renewLease("a");
        var droppableAt = world.now.plus(DELAY);
        assertThat(world.step()).isEqualTo(new Step.WaitForReplicas(droppableAt, List.of()));
        world.now = droppableAt.minus(NANO);
        assertThat(world.step()).isEqualTo(new Step.WaitForReplicas(droppableAt, List.of()));

        // Drop the old CA, then bring ca.crt up to date.
        world.now = droppableAt;
        assertThat(world.step()).isEqualTo(new Step.DropOldCa(List.of(CA.certificate()), List.of(newCa)));
        world.assertEveryReplicaVerifiesAgainstEveryBundle();
        assertThat(world.step()).isEqualTo(new Step.RefreshCaCrt(List.of(newCa)));
        assertThat(world.step()).isInstanceOf(Step.Done.class);

        assertThat(world.steps).containsExactly("StartCaRotation", "AppendNewCa", "WaitForBundle", "WaitForBundle",
                "IssueLeafFromNewCa", "WaitForReplicas", "WaitForReplicas", "WaitForReplicas", "DropOldCa", "RefreshCaCrt",
                "Done");
        assertThat(world.bundles.values()).containsOnly(List.of(newCa));
        assertThat(world.caSet().trusted()).containsExactly(newCa);
        assertThat(world.servingMaterial().caCertificates()).containsExactly(newCa);
    }

    @Test
    void bundleWipedWhileWaitingForItIsAppendedAgainAndTheDelayStartsOver() {
        var world = atCaRenewalTime();
        world.step();
        world.step();
        world.step();
        world.advance(Duration.ofSeconds(7));

        world.bundles.put(VALIDATING, List.of());
        var append = world.step();
        var propagatedAt = world.now.plus(DELAY);
        var wait = world.step();
        world.now = propagatedAt.minus(NANO);
        var stillWaiting = world.step();

        assertThat(append).isEqualTo(new Step.AppendNewCa(world.caSet().trusted(), List.of(VALIDATING)));
        assertThat(wait).isEqualTo(new Step.WaitForBundle(propagatedAt));
        assertThat(stillWaiting).isEqualTo(new Step.WaitForBundle(propagatedAt));
        world.now = propagatedAt;
        assertThat(world.step()).isInstanceOf(Step.IssueLeafFromNewCa.class);
    }

    @Test
    void bundleWipedAfterTheNewLeafIsServedIsAppendedAgainBeforeTheOldCaIsDropped() {
        var world = atCaRenewalTime();
        world.step(); // StartCaRotation
        world.step(); // AppendNewCa
        world.step(); // WaitForBundle
        world.advance(DELAY);
        world.step(); // IssueLeafFromNewCa
        world.reload("a");
        world.reload("b");
        assertThat(world.step()).isInstanceOf(Step.WaitForReplicas.class);
        world.advance(Duration.ofSeconds(4));

        // A GitOps sync applies the manifests, which carry no caBundle.
        world.bundles.put(MUTATING, List.of());
        world.bundles.put(VALIDATING, List.of());
        assertThat(world.step()).isEqualTo(new Step.AppendNewCa(world.caSet().trusted(), List.of(MUTATING, VALIDATING)));
        world.assertEveryReplicaVerifiesAgainstEveryBundle();
        var propagatedAt = world.now.plus(DELAY);
        assertThat(world.step()).isEqualTo(new Step.WaitForBundle(propagatedAt));
        world.advance(DELAY.minus(NANO));
        world.renewLease("a");
        world.renewLease("b");
        assertThat(world.step()).isEqualTo(new Step.WaitForBundle(propagatedAt));

        // The replicas have long served the new leaf, so the old CA goes once the bundle has propagated.
        world.now = propagatedAt;
        assertThat(world.step()).isInstanceOf(Step.DropOldCa.class);
        world.assertEveryReplicaVerifiesAgainstEveryBundle();
    }

    static Stream<Arguments> readiness() {
        return Stream.of(
                Arguments.of("renewed just now", Duration.ZERO, List.of("b")),
                Arguments.of("renewed 30 s minus 1 ns ago", RotationPlanner.READY_WITHIN.minus(NANO), List.of("b")),
                Arguments.of("renewed 30 s ago", RotationPlanner.READY_WITHIN, List.of()),
                Arguments.of("renewed an hour ago", Duration.ofHours(1), List.of()));
    }

    @ParameterizedTest(name = "lagging replica {0}: waits for {2}")
    @MethodSource("readiness")
    void countsAReplicaAsReadyWhileItsLeaseWasRenewedWithinThirtySeconds(String when, Duration ago,
            List<String> lagging) {
        var world = atCaRenewalTime();
        world.step();
        world.step();
        world.step();
        world.advance(DELAY);
        world.step(); // IssueLeafFromNewCa
        world.reload("a");
        world.renewLease("b");
        world.advance(ago);
        world.renewLease("a");

        var step = (Step.WaitForReplicas) world.step();

        assertThat(step.lagging()).isEqualTo(lagging);
        assertThat(step.until()).isEqualTo(lagging.isEmpty()
                ? world.now.plus(DELAY)
                : world.renewed.get("b").plus(RotationPlanner.READY_WITHIN));
    }

    @Test
    void aReplicaReportingNoSerialLags() {
        var world = atCaRenewalTime();
        world.step();
        world.step();
        world.step();
        world.advance(DELAY);
        world.step();
        var replicas = List.of(
                ReplicaReport.serving("a", world.servingMaterial().leaf().getSerialNumber(), world.now),
                new ReplicaReport("b", java.util.Optional.empty(), world.now));

        var observed = world.observe();

        var plan = PLANNER.next(new Observation(observed.material(), observed.bundles(), replicas), world.progress,
                world.now);

        assertThat(plan.step()).isEqualTo(new Step.WaitForReplicas(world.now.plus(RotationPlanner.READY_WITHIN), List.of("b")));
    }

    @Test
    void withNoReadyReplicaTheOldCaIsDroppedAfterTheDelay() {
        var world = atCaRenewalTime();
        world.served.clear();
        world.step();
        world.step();
        world.step();
        world.advance(DELAY);
        world.step();

        assertThat(world.step()).isEqualTo(new Step.WaitForReplicas(world.now.plus(DELAY), List.of()));
        world.advance(DELAY);
        assertThat(world.step()).isInstanceOf(Step.DropOldCa.class);
    }

    @Test
    void aRestartedPlannerWaitsTheWholeDelayAgain() {
        var world = atCaRenewalTime();
        world.step();
        world.step();
        world.step();
        world.advance(DELAY.minus(Duration.ofSeconds(1)));

        world.progress = Progress.none();

        assertThat(world.step()).isEqualTo(new Step.WaitForBundle(world.now.plus(DELAY)));
    }

    @Test
    void aNewerLeafDuringTheReplicaWaitStartsTheDelayOver() {
        var world = atCaRenewalTime();
        world.step();
        world.step();
        world.step();
        world.advance(DELAY);
        world.step();
        world.reload("a");
        world.reload("b");
        world.step(); // WaitForReplicas until now + DELAY
        world.advance(Duration.ofSeconds(3));

        var issuedAgain = world.caSet().issueServingCertificate(NAMES, TestMaterial.LEAF_VALIDITY, world.now,
                TestMaterial.RANDOM);
        world.serving = Stored.present(Material.SERVING_SECRET, issuedAgain);

        assertThat(world.step()).isEqualTo(new Step.WaitForReplicas(
                world.renewed.get("a").plus(RotationPlanner.READY_WITHIN), List.of("a", "b")));
        world.reload("a");
        world.reload("b");
        assertThat(world.step()).isEqualTo(new Step.WaitForReplicas(world.now.plus(DELAY), List.of()));
    }

    @Test
    void aBrokenLeafIsReplacedAtOnceEvenMidRotation() {
        var world = atCaRenewalTime();
        world.step(); // StartCaRotation
        world.step(); // AppendNewCa: the new CA is not yet propagated

        world.serving = Stored.decoded(Material.SERVING_SECRET, ServingMaterial.decode("garbage", "garbage", null));

        assertThat(world.step()).isInstanceOfSatisfying(Step.RenewLeaf.class,
                renew -> assertThat(renew.why().reason()).isEqualTo("Malformed"));
        assertThat(world.caSet().current().signed(world.servingMaterial().leaf())).isTrue();
    }

    @Test
    void aLeafNoBundleVerifiesIsReplacedWithoutWaiting() {
        var world = World.settled(PLANNER, CA, T0);
        var foreign = TestMaterial.leaf(TestMaterial.ca(T0.plusSeconds(5)), T0);
        world.serving = Stored.present(Material.SERVING_SECRET, foreign);

        assertThat(world.step()).isInstanceOfSatisfying(Step.RenewLeaf.class,
                renew -> assertThat(renew.why().reason()).isEqualTo("CaChanged"));
    }

    @Test
    void aMissingCaSecretIsReplacedByRotatingFromTheCaStillServing() {
        var world = World.settled(PLANNER, CA, T0, "a");
        world.cas = Stored.absent(Material.CA_SECRET);

        assertThat(world.step()).isEqualTo(new Step.CreateCa(new RenewalReason.Missing(Material.CA_SECRET),
                List.of(CA.certificate())));
        world.assertEveryReplicaVerifiesAgainstEveryBundle();
        for (int i = 0; i < 20 && !(world.steps.getLast().equals("Done")); i++) {
            world.advance(Duration.ofSeconds(5));
            world.step();
            world.reload("a");
            world.assertEveryReplicaVerifiesAgainstEveryBundle();
        }

        assertThat(world.steps).containsExactly("CreateCa", "AppendNewCa", "WaitForBundle", "WaitForBundle", "IssueLeafFromNewCa",
                "WaitForReplicas", "WaitForReplicas", "DropOldCa", "RefreshCaCrt", "Done");
        assertThat(world.caSet().current()).isNotEqualTo(CA);
    }

    @Test
    void aCaSecretWithGarbageOrAWrongKeyIsReplacedTheSameWay() {
        var garbage = World.settled(PLANNER, CA, T0, "a");
        garbage.cas = Stored.decoded(Material.CA_SECRET, CaSet.decode("-----BEGIN PRIVATE KEY-----", "x", null));
        var wrongKey = World.settled(PLANNER, CA, T0, "a");
        wrongKey.cas = Stored.decoded(Material.CA_SECRET, CaSet.decode(Pem.encodePrivateKey(TestMaterial.ca(T0).key()),
                Pem.encodeCertificate(CA.certificate()), null));

        assertThat(garbage.step()).isInstanceOfSatisfying(Step.CreateCa.class, create -> {
            assertThat(create.why().reason()).isEqualTo("Malformed");
            assertThat(create.message()).startsWith("Secret vmpools-webhook-ca cannot be used: tls.key: not valid PEM");
            assertThat(create.keepTrusting()).containsExactly(CA.certificate());
        });
        assertThat(wrongKey.step()).isInstanceOfSatisfying(Step.CreateCa.class, create -> {
            assertThat(create.why().reason()).isEqualTo("KeyMismatch");
            assertThat(create.keepTrusting()).containsExactly(CA.certificate());
        });
    }

    @Test
    void anExpiredCaIsReplacedOutrightWithNothingToKeep() {
        var world = World.settled(PLANNER, CA, T0, "a");
        world.now = CA.certificate().getNotAfter().toInstant().plus(NANO);

        assertThat(world.step()).isInstanceOfSatisfying(Step.CreateCa.class, create -> {
            assertThat(create.why().reason()).isEqualTo("Expired");
            assertThat(create.keepTrusting()).isEmpty();
        });
        assertThat(world.step().name()).isEqualTo("RenewLeaf");
        assertThat(world.step().name()).isEqualTo("AppendNewCa");
        assertThat(world.step().name()).isEqualTo("Done");
    }

    @Test
    void aDropInterruptedBetweenSecretAndBundlesIsFinished() {
        var world = World.settled(PLANNER, CA, T0);
        var old = TestMaterial.ca(T0.minus(Duration.ofDays(1))).certificate();
        world.bundles.replaceAll((where, cas) -> List.of(old, CA.certificate()));

        assertThat(world.step()).isEqualTo(new Step.DropOldCa(List.of(old), List.of(CA.certificate())));
        assertThat(world.step()).isInstanceOf(Step.Done.class);
    }

    @Test
    void noSecondRotationStartsWhileOneIsUnderWay() {
        var world = World.settled(PLANNER, CA, CA_RENEW_AT);
        var older = TestMaterial.ca(T0.minus(Duration.ofDays(1))).certificate();
        var rotating = new CaSet(CA, List.of(older));
        world.cas = Stored.present(Material.CA_SECRET, rotating);
        world.bundles.replaceAll((where, cas) -> rotating.trusted());

        assertThat(world.step()).isEqualTo(new Step.WaitForBundle(world.now.plus(DELAY)));
        assertThat(world.caSet()).isEqualTo(rotating);
    }

    @Test
    void everyStepHasAStablePascalCaseNameAndAMessage() {
        var world = atCaRenewalTime();
        for (int i = 0; i < 40 && !(world.steps.contains("Done")); i++) {
            var step = world.step();
            assertThat(step.name()).matches("[A-Z][A-Za-z]+").isEqualTo(step.getClass().getSimpleName());
            assertThat(step.message()).isNotBlank();
            world.advance(Duration.ofSeconds(3));
            world.reload("a");
            world.reload("b");
        }
        assertThat(world.steps).contains("StartCaRotation", "AppendNewCa", "WaitForBundle", "IssueLeafFromNewCa",
                "WaitForReplicas", "DropOldCa", "RefreshCaCrt", "Done");
    }
}
