package dev.vmpools.certs.rotation;

import static dev.vmpools.certs.pki.TestMaterial.NAMES;
import static dev.vmpools.certs.pki.TestMaterial.RANDOM;
import static dev.vmpools.certs.renewal.Material.CA_SECRET;
import static dev.vmpools.certs.renewal.Material.SERVING_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.CertificateAuthority;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.pki.TestMaterial;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.renewal.Stored;

/**
 * An in-memory cluster for walking the planner: the two Secrets, the caBundle of both webhook
 * configurations, and webhook replicas that serve a certificate and renew their Lease when told to.
 * {@link #step()} plans and then applies the step the way the Kubernetes edges will.
 */
final class World {

    static final String MUTATING = "MutatingWebhookConfiguration vmpools";
    static final String VALIDATING = "ValidatingWebhookConfiguration vmpools";

    final RotationPlanner planner;
    Instant now;
    Stored<CaSet> cas = Stored.absent(CA_SECRET);
    Stored<ServingMaterial> serving = Stored.absent(SERVING_SECRET);
    final Map<String, List<X509Certificate>> bundles = new LinkedHashMap<>();
    final Map<String, ServingMaterial> served = new LinkedHashMap<>();
    final Map<String, Instant> renewed = new LinkedHashMap<>();
    Progress progress = Progress.none();
    final List<String> steps = new ArrayList<>();

    World(RotationPlanner planner, Instant now) {
        this.planner = planner;
        this.now = now;
        bundles.put(MUTATING, List.of());
        bundles.put(VALIDATING, List.of());
    }

    /** A world where the planner has already put everything in place, with replicas serving. */
    static World settled(RotationPlanner planner, CertificateAuthority ca, Instant now, String... replicas) {
        var world = new World(planner, now);
        world.cas = Stored.present(CA_SECRET, CaSet.of(ca));
        world.serving = Stored.present(SERVING_SECRET, CaSet.of(ca).issueServingCertificate(NAMES,
                TestMaterial.LEAF_VALIDITY, now, RANDOM));
        world.bundles.replaceAll((where, cas) -> List.of(ca.certificate()));
        for (var replica : replicas) {
            world.reload(replica);
        }
        return world;
    }

    Observation observe() {
        var reports = new ArrayList<ReplicaReport>();
        served.forEach((instance, material) -> reports.add(
                ReplicaReport.serving(instance, material.leaf().getSerialNumber(), renewed.get(instance))));
        var readBacks = new ArrayList<BundleReadBack>();
        bundles.forEach((where, cas) -> readBacks.add(new BundleReadBack(where, cas)));
        return new Observation(new Material(cas, serving), readBacks, reports);
    }

    Step step() {
        var plan = planner.next(observe(), progress, now);
        progress = plan.progress();
        apply(plan.step());
        steps.add(plan.step().name());
        return plan.step();
    }

    private void apply(Step step) {
        switch (step) {
            case Step.CreateCa create -> cas = Stored.present(CA_SECRET,
                    new CaSet(CertificateAuthority.create(TestMaterial.CA_VALIDITY, now, RANDOM), create.keepTrusting()));
            case Step.StartCaRotation start -> cas = Stored.present(CA_SECRET,
                    caSet().rotateTo(CertificateAuthority.create(TestMaterial.CA_VALIDITY, now, RANDOM)));
            case Step.AppendNewCa append -> bundles.replaceAll((where, cas) -> append.bundle());
            case Step.IssueLeafFromNewCa issue -> issueLeaf();
            case Step.RenewLeaf renew -> issueLeaf();
            case Step.DropOldCa drop -> {
                cas = Stored.present(CA_SECRET, caSet().withoutPrevious());
                bundles.replaceAll((where, cas) -> drop.bundle());
            }
            case Step.RefreshCaCrt refresh -> serving = Stored.present(SERVING_SECRET,
                    servingMaterial().withCaCertificates(refresh.trusted()));
            case Step.WaitForBundle wait -> {
            }
            case Step.WaitForReplicas wait -> {
            }
            case Step.Done done -> {
            }
        }
    }

    private void issueLeaf() {
        serving = Stored.present(SERVING_SECRET, caSet().issueServingCertificate(NAMES, TestMaterial.LEAF_VALIDITY, now,
                RANDOM));
    }

    /** The replica loads the serving Secret and renews its Lease reporting it. */
    void reload(String replica) {
        served.put(replica, servingMaterial());
        renewed.put(replica, now);
    }

    /** The replica renews its Lease still reporting what it served before. */
    void renewLease(String replica) {
        renewed.put(replica, now);
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    CaSet caSet() {
        return ((Stored.Present<CaSet>) cas).value();
    }

    ServingMaterial servingMaterial() {
        return ((Stored.Present<ServingMaterial>) serving).value();
    }

    Optional<X509Certificate> previousCa() {
        return caSet().previous().stream().findFirst();
    }

    /** What must hold after every step: each replica's certificate verifies against every caBundle. */
    void assertEveryReplicaVerifiesAgainstEveryBundle() {
        served.forEach((replica, material) -> bundles.forEach((where, cas) -> assertThat(
                material.verifyAgainst(cas, now).verified())
                .as("replica %s serving %s against the caBundle of %s after %s", replica,
                        ServingMaterial.describe(material.leaf()), where, steps)
                .isTrue()));
    }
}
