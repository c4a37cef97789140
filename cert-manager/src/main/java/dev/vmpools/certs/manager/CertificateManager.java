package dev.vmpools.certs.manager;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.vmpools.certs.CertsConfig;
import dev.vmpools.certs.k8s.CaBundleInjector;
import dev.vmpools.certs.k8s.CaBundleInjector.Injection;
import dev.vmpools.certs.k8s.ReplicaLeases;
import dev.vmpools.certs.k8s.SecretEvents;
import dev.vmpools.certs.k8s.SecretStore;
import dev.vmpools.certs.k8s.SecretStore.WriteOutcome;
import dev.vmpools.certs.k8s.WebhookConfigurations;
import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.CertificateAuthority;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.renewal.RenewalReason;
import dev.vmpools.certs.rotation.Observation;
import dev.vmpools.certs.rotation.Progress;
import dev.vmpools.certs.rotation.RotationPlanner;
import dev.vmpools.certs.rotation.Step;

/**
 * The certificate reconciler: level-based, one step per pass. Each {@link #reconcile()} reads everything
 * (both Secrets, both configurations' {@code caBundle}, the replica Leases), asks the
 * {@link RotationPlanner} for the next step, does it, and says when to look again: at once after a write,
 * at the planner's instant while waiting. Only the leader calls it.
 *
 * <p>A Secret that cannot be used as found (garbage PEM, a key that does not match its certificate, the
 * wrong type) is reported by a Warning Event on the Secret and a log line naming it, then replaced; a
 * write the API server refuses is a failed pass, retried with backoff by the {@link ReconcileLoop}.
 */
public final class CertificateManager {

    private static final System.Logger LOG = System.getLogger(CertificateManager.class.getName());
    /** When a configuration is missing: its informer calls sooner once it is created. */
    static final Duration MISSING_CONFIGURATION_RECHECK = Duration.ofMinutes(5);

    private final CertsConfig config;
    private final SecretStore secrets;
    private final CaBundleInjector injector;
    private final ReplicaLeases replicas;
    private final SecretEvents events;
    private final CertificateMetrics metrics;
    private final RotationPlanner planner;
    private final InstantSource clock;
    private final SecureRandom random;
    private Progress progress = Progress.none();
    private String lastStep = "";
    private Optional<Pass> lastPass = Optional.empty();
    private final Set<WebhookConfigurations.Kind> missingReported = EnumSet.noneOf(WebhookConfigurations.Kind.class);

    public CertificateManager(CertsConfig config, SecretStore secrets, CaBundleInjector injector, ReplicaLeases replicas,
            SecretEvents events, CertificateMetrics metrics, InstantSource clock, SecureRandom random) {
        this.config = Objects.requireNonNull(config, "config");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.injector = Objects.requireNonNull(injector, "injector");
        this.replicas = Objects.requireNonNull(replicas, "replicas");
        this.events = Objects.requireNonNull(events, "events");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.planner = new RotationPlanner(config.renewalPolicy(), config.servingNames(), config.propagationDelay());
    }

    /**
     * The outcome of a pass: the step taken, when to look again, and why the pass failed if it did (then
     * the loop backs off instead).
     */
    public record Pass(Step step, Instant lookAgainAt, Optional<String> failure) {
        public Pass {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(lookAgainAt, "lookAgainAt");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** Forgets what earlier passes saw: a new leader waits each propagation delay again, which is safe. */
    public synchronized void reset() {
        progress = Progress.none();
        lastStep = "";
        lastPass = Optional.empty();
    }

    /** The last pass completed, if any (status and tests). */
    public synchronized Optional<Pass> lastPass() {
        return lastPass;
    }

    /** One pass: observe, plan, act. API errors other than conflicts propagate (the loop backs off). */
    public synchronized Pass reconcile() {
        var pass = pass();
        lastPass = Optional.of(pass);
        return pass;
    }

    private Pass pass() {
        var now = clock.instant();
        var casRead = secrets.readCas();
        var servingRead = secrets.readServing();
        var material = new Material(casRead.stored(), servingRead.stored());
        var observation = new Observation(material, injector.configurations().readBack(), replicas.read());
        material.presentCas().ifPresent(cas -> metrics.caExpires(cas.current().certificate()));
        material.presentServing().ifPresent(serving -> metrics.servingExpires(serving.leaf()));

        var plan = planner.next(observation, progress, now);
        progress = plan.progress();
        var step = plan.step();
        if (!(step instanceof Step.CreateCa)) {
            // The bundle every configuration must carry is the trusted CAs: the injector heals any other from now on.
            material.presentCas().ifPresent(cas -> injector.desire(cas.trusted()));
        }
        log(step);
        return switch (step) {
            case Step.CreateCa create -> {
                reportUnusable(Material.CA_SECRET, create.why());
                var cas = new CaSet(CertificateAuthority.create(config.caValidity(), now, random), create.keepTrusting());
                yield written(step, Material.CA_SECRET, secrets.writeCas(cas, casRead.resourceVersion()), now,
                        () -> metrics.rotated("ca", create.why().reason()));
            }
            case Step.StartCaRotation start -> {
                var cas = present(material.presentCas(), step).rotateTo(
                        CertificateAuthority.create(config.caValidity(), now, random));
                yield written(step, Material.CA_SECRET, secrets.writeCas(cas, casRead.resourceVersion()), now,
                        () -> metrics.rotated("ca", start.why().reason()));
            }
            case Step.AppendNewCa append -> injected(step, injector.inject(append.bundle()), now);
            case Step.IssueLeafFromNewCa issue -> issueLeaf(step, issue.why(), material, servingRead, now);
            case Step.RenewLeaf renew -> {
                reportUnusable(Material.SERVING_SECRET, renew.why());
                yield issueLeaf(step, renew.why(), material, servingRead, now);
            }
            case Step.DropOldCa drop -> {
                var cas = present(material.presentCas(), step);
                if (cas.rotating()) {
                    // The Secret first: after a crash in between, the planner trims the bundle instead of re-appending.
                    var outcome = secrets.writeCas(cas.withoutPrevious(), casRead.resourceVersion());
                    if (!(outcome instanceof WriteOutcome.Written)) {
                        yield written(step, Material.CA_SECRET, outcome, now, () -> { });
                    }
                    events.normal(Material.CA_SECRET, step.name(), step.message());
                }
                yield injected(step, injector.inject(drop.bundle()), now);
            }
            case Step.RefreshCaCrt refresh -> {
                var serving = present(material.presentServing(), step).withCaCertificates(refresh.trusted());
                yield written(step, Material.SERVING_SECRET, secrets.writeServing(serving, servingRead.resourceVersion()),
                        now, () -> { });
            }
            case Step.WaitForBundle wait -> new Pass(step, wait.until(), Optional.empty());
            case Step.WaitForReplicas wait -> new Pass(step, wait.until(), Optional.empty());
            case Step.Done done -> new Pass(step, done.recheckAt(), Optional.empty());
        };
    }

    private Pass issueLeaf(Step step, RenewalReason why, Material material, SecretStore.Read<ServingMaterial> servingRead,
            Instant now) {
        var cas = present(material.presentCas(), step);
        var serving = cas.issueServingCertificate(config.servingNames(), config.servingValidity(), now, random);
        return written(step, Material.SERVING_SECRET, secrets.writeServing(serving, servingRead.resourceVersion()), now,
                () -> metrics.rotated("serving", why.reason()));
    }

    /** A Secret that could not be used as found: a Warning Event on it and a log line naming it, before it is replaced. */
    private void reportUnusable(String secret, RenewalReason why) {
        if (why instanceof RenewalReason.Malformed || why instanceof RenewalReason.KeyMismatch
                || why instanceof RenewalReason.NotYetValid || why instanceof RenewalReason.Expired) {
            var message = why.message() + "; replacing it";
            LOG.log(Level.WARNING, "Secret " + config.namespace() + "/" + secret + " is unusable (" + why.reason() + "): "
                    + message);
            events.warning(secret, why.reason(), message);
        }
    }

    private Pass written(Step step, String secret, WriteOutcome outcome, Instant now, Runnable onWritten) {
        return switch (outcome) {
            case WriteOutcome.Written written -> {
                onWritten.run();
                events.normal(secret, step.name(), step.message());
                yield new Pass(step, now, Optional.empty());
            }
            case WriteOutcome.Conflict conflict -> {
                // Ordinary contention (a former leader, someone editing): read again at once.
                LOG.log(Level.DEBUG, () -> step.name() + ": " + conflict.message() + "; reading again");
                yield new Pass(step, now, Optional.empty());
            }
            case WriteOutcome.Rejected rejected -> {
                LOG.log(Level.ERROR, step.name() + " failed: " + rejected.message());
                events.warning(secret, "WriteRejected", rejected.message());
                metrics.failed(step.name());
                yield new Pass(step, now, Optional.of(rejected.message()));
            }
        };
    }

    private Pass injected(Step step, List<Injection> outcomes, Instant now) {
        var lookAgainAt = now;
        Optional<String> failure = Optional.empty();
        for (var outcome : outcomes) {
            switch (outcome) {
                case Injection.Missing missing -> {
                    if (missingReported.add(missing.kind())) {
                        LOG.log(Level.WARNING, () -> missing.kind() + " vmpools does not exist: its caBundle is injected"
                                + " once it is created (this component never creates it)");
                    }
                    lookAgainAt = now.plus(MISSING_CONFIGURATION_RECHECK);
                }
                case Injection.Rejected rejected -> {
                    LOG.log(Level.ERROR, step.name() + " failed: " + rejected.message());
                    metrics.failed(step.name());
                    failure = Optional.of(rejected.message());
                }
                case Injection.Conflict conflict ->
                        LOG.log(Level.DEBUG, () -> step.name() + ": " + conflict.message() + "; reading again");
                case Injection.Applied applied -> missingReported.remove(applied.kind());
                case Injection.Unchanged unchanged -> missingReported.remove(unchanged.kind());
            }
        }
        return new Pass(step, lookAgainAt, failure);
    }

    private void log(Step step) {
        var waiting = step instanceof Step.WaitForBundle || step instanceof Step.WaitForReplicas || step instanceof Step.Done;
        // Waits repeat on every pass: logged when they change, acting steps always.
        var level = waiting && step.name().equals(lastStep) ? Level.DEBUG : Level.INFO;
        lastStep = step.name();
        LOG.log(level, () -> step.name() + ": " + step.message());
    }

    private static <T> T present(Optional<T> value, Step step) {
        return value.orElseThrow(() -> new IllegalStateException(step.name() + " planned without the material it needs"));
    }
}
