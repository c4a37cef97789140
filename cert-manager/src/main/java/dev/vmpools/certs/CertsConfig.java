package dev.vmpools.certs;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import dev.vmpools.api.config.Options;
import dev.vmpools.certs.pki.SubjectAltNames;
import dev.vmpools.certs.pki.Validity;
import dev.vmpools.certs.renewal.RenewalPolicy;

/**
 * The certificate component's configuration, typed and checked. {@link #from(Map, String)} is the one
 * place that reads it, from option names without the leading {@code --}; a bad value fails with a
 * {@link ConfigException} naming the option. {@link #OPTIONS} lists every option with its default.
 *
 * @param issuer             who issues the certificates: this component, or cert-manager.io (then it stays off)
 * @param namespace          where the Secrets and Leases live
 * @param instance           this process's name in the election Lease and its replica Lease (the pod name)
 * @param caValidity         lifetime and backdate of a new CA
 * @param servingValidity    lifetime and backdate of a new serving certificate (never beyond its CA)
 * @param renewAtNumerator   renewal at {@code renewAtNumerator/renewAtDenominator} of a certificate's life
 * @param renewAtDenominator see {@code renewAtNumerator}
 * @param propagationDelay   how long a new {@code caBundle}, or every replica serving the new certificate,
 *                           must have been seen before the next CA rotation step
 * @param extraNames         subjectAltNames beyond the webhook Service's (e.g. 127.0.0.1 outside a cluster)
 * @param election           the timing of the {@code vmpools-certs} leader election
 * @param replicaRenewal     how often a webhook replica renews its Lease {@code vmpools-webhook-<instance>}
 */
public record CertsConfig(Issuer issuer, String namespace, String instance, Validity caValidity, Validity servingValidity,
                          long renewAtNumerator, long renewAtDenominator, Duration propagationDelay,
                          List<String> extraNames, Election election, Duration replicaRenewal) {

    public static final Option CERTIFICATES = new Option("certificates", "builtin",
            "who issues the webhook's CA and serving certificate: builtin (this component, leader-elected) or "
                    + "cert-manager (cert-manager.io and its CA injector, manifests/overlays/cert-manager; this component stays off)");
    public static final Option NAMESPACE = new Option("namespace", "vmpools-system", "vmpools' own namespace");
    public static final Option INSTANCE = new Option("instance", "",
            "name of this process in Leases (the pod name); empty: the host name");
    public static final Option CA_LIFETIME = new Option("ca-lifetime", "P1095D",
            "lifetime (ISO 8601) of a new webhook CA; rotated at --renew-at of it");
    public static final Option SERVING_LIFETIME = new Option("serving-lifetime", "P90D",
            "lifetime (ISO 8601) of a new serving certificate, never beyond its CA's");
    public static final Option BACKDATE = new Option("certificate-backdate", "",
            "how far before issuance certificates become valid (for clients whose clock is behind); empty: "
                    + "PT5M, or a tenth of the lifetime when that is shorter than 10 minutes");
    public static final Option RENEW_AT = new Option("renew-at", "2/3",
            "fraction of a certificate's life after which it is replaced, as n/d");
    public static final Option PROPAGATION_DELAY = new Option("propagation-delay", "PT30S",
            "during a CA rotation, how long a changed caBundle, or every replica serving the new certificate, "
                    + "must have been seen before the next step (time for every API server to reload)");
    public static final Option EXTRA_NAMES = new Option("extra-names", "",
            "comma-separated DNS names or IP addresses the serving certificate carries besides the Service's");
    public static final Option LEADER_LEASE_DURATION = new Option("leader-lease-duration", "PT15S",
            "how long the Lease vmpools-certs holds without renewal before another instance may take it");
    public static final Option LEADER_RENEW_DEADLINE = new Option("leader-renew-deadline", "PT10S",
            "how long the leader tries to renew before it stops acting");
    public static final Option LEADER_RETRY_PERIOD = new Option("leader-retry-period", "PT2S",
            "how often instances try to take or renew the Lease vmpools-certs");
    public static final Option REPLICA_RENEWAL = new Option("replica-lease-renewal", "PT10S",
            "how often a webhook replica renews its Lease vmpools-webhook-<instance> (stale after 30 s)");

    /** Every option, in the order {@code --help} lists them. */
    public static final List<Option> OPTIONS = List.of(CERTIFICATES, NAMESPACE, INSTANCE, CA_LIFETIME, SERVING_LIFETIME, BACKDATE,
            RENEW_AT, PROPAGATION_DELAY, EXTRA_NAMES, LEADER_LEASE_DURATION, LEADER_RENEW_DEADLINE,
            LEADER_RETRY_PERIOD, REPLICA_RENEWAL);

    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration TEN_YEARS = Duration.ofDays(3653);

    /** Who issues the certificates. */
    public enum Issuer {
        /** This component: CA and serving certificate in Secrets, caBundle injection, rotation. */
        BUILTIN,
        /** cert-manager.io Certificates and its CA injector; the webhook only follows the serving Secret. */
        CERT_MANAGER
    }

    /** The timing of fabric8's {@code LeaderElector} on the Lease {@code vmpools-certs}. */
    public record Election(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public Election {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(renewDeadline, "renewDeadline");
            Objects.requireNonNull(retryPeriod, "retryPeriod");
        }
    }

    public CertsConfig {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(caValidity, "caValidity");
        Objects.requireNonNull(servingValidity, "servingValidity");
        Objects.requireNonNull(propagationDelay, "propagationDelay");
        extraNames = List.copyOf(extraNames);
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(replicaRenewal, "replicaRenewal");
        if (instance.isBlank()) {
            throw new IllegalArgumentException("instance: must not be blank");
        }
        if (!backdateFitsCa(caValidity, servingValidity)) {
            throw new IllegalArgumentException("servingValidity: backdate " + servingValidity.backdate()
                    + " must be at most a tenth of the CA lifetime " + caValidity.lifetime());
        }
    }

    /**
     * A serving certificate never outlives its CA, but starts {@code backdate} early: near the CA's end its
     * life shrinks to little more than the backdate, and with a backdate too long for the CA it would be due
     * for renewal as soon as it is issued, again and again. A tenth of the CA's lifetime keeps every serving
     * certificate useful for about two backdates at least.
     */
    static boolean backdateFitsCa(Validity ca, Validity serving) {
        return serving.backdate().multipliedBy(10).compareTo(ca.lifetime()) <= 0;
    }

    /** Every option at its default, with {@code hostName} as the instance. */
    public static CertsConfig defaults(String hostName) {
        return from(Map.of(), hostName);
    }

    /**
     * Reads the options; absent ones take their defaults, options of other components are ignored.
     *
     * @param hostName the instance name when {@code --instance} is empty
     * @throws ConfigException for the first bad value, naming its option
     */
    public static CertsConfig from(Map<String, String> given, String hostName) {
        Options options = Options.of(OPTIONS, given);
        var issuers = new java.util.LinkedHashMap<String, Issuer>();
        issuers.put("builtin", Issuer.BUILTIN);
        issuers.put("cert-manager", Issuer.CERT_MANAGER);
        Issuer issuer = options.oneOf(CERTIFICATES, issuers);
        String namespace = options.dnsName(NAMESPACE);
        String instance = options.text(INSTANCE).isEmpty() ? hostName : options.text(INSTANCE);
        if (instance == null || !instance.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || instance.length() > 253 - 16) {
            throw new ConfigException(INSTANCE, String.valueOf(instance),
                    "must be a lower-case DNS name of at most 237 characters (it is part of the Lease vmpools-webhook-<instance>)");
        }
        Duration caLifetime = options.duration(CA_LIFETIME, SECOND, TEN_YEARS);
        Duration servingLifetime = options.duration(SERVING_LIFETIME, SECOND, TEN_YEARS);
        Optional<Duration> backdate = options.text(BACKDATE).isEmpty()
                ? Optional.empty()
                : Optional.of(options.duration(BACKDATE, Duration.ZERO, Duration.ofDays(1)));
        Validity caValidity = validity(CA_LIFETIME, caLifetime, backdate);
        Validity servingValidity = validity(SERVING_LIFETIME, servingLifetime, backdate);
        if (!backdateFitsCa(caValidity, servingValidity)) {
            throw new ConfigException(BACKDATE, options.text(BACKDATE), "the serving certificate's backdate "
                    + servingValidity.backdate() + " must be at most a tenth of --" + CA_LIFETIME.name() + " " + caLifetime
                    + " (a serving certificate capped at its CA's end would be due for renewal at once)");
        }
        long[] fraction = fraction(options.text(RENEW_AT));
        Duration propagationDelay = options.duration(PROPAGATION_DELAY, Duration.ZERO, Duration.ofHours(1));
        List<String> extraNames = List.copyOf(options.list(EXTRA_NAMES));
        try {
            SubjectAltNames.webhookService().plus(extraNames);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(EXTRA_NAMES, options.text(EXTRA_NAMES), e.getMessage());
        }
        Election election = new Election(
                options.duration(LEADER_LEASE_DURATION, SECOND, Duration.ofMinutes(10)),
                options.duration(LEADER_RENEW_DEADLINE, SECOND, Duration.ofMinutes(10)),
                options.duration(LEADER_RETRY_PERIOD, Duration.ofMillis(100), Duration.ofMinutes(1)));
        if (election.renewDeadline().compareTo(election.leaseDuration()) >= 0) {
            throw new ConfigException(LEADER_RENEW_DEADLINE, options.text(LEADER_RENEW_DEADLINE),
                    "must be shorter than --" + LEADER_LEASE_DURATION.name() + " " + election.leaseDuration()
                            + ", or two instances may act as leader at once");
        }
        Duration replicaRenewal = options.duration(REPLICA_RENEWAL, Duration.ofMillis(100), Duration.ofSeconds(20));
        return new CertsConfig(issuer, namespace, instance, caValidity, servingValidity, fraction[0], fraction[1],
                propagationDelay, extraNames, election, replicaRenewal);
    }

    /** The names the serving certificate must carry: the webhook Service's and the extra ones. */
    public SubjectAltNames servingNames() {
        return SubjectAltNames.webhookService().plus(extraNames);
    }

    public RenewalPolicy renewalPolicy() {
        return RenewalPolicy.atFractionOfLife(renewAtNumerator, renewAtDenominator);
    }

    /** With other lifetimes, keeping everything else: for tests that rotate within seconds. */
    public CertsConfig withLifetimes(Validity ca, Validity serving) {
        return new CertsConfig(issuer, namespace, instance, ca, serving, renewAtNumerator, renewAtDenominator, propagationDelay,
                extraNames, election, replicaRenewal);
    }

    private static Validity validity(Option option, Duration lifetime, Optional<Duration> backdate) {
        try {
            return backdate.map(b -> new Validity(lifetime, b)).orElseGet(() -> Validity.of(lifetime));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(BACKDATE, backdate.map(Duration::toString).orElse(""),
                    "does not fit --" + option.name() + " " + lifetime + ": " + e.getMessage());
        }
    }

    private static long[] fraction(String text) {
        var parts = text.split("/", -1);
        try {
            if (parts.length == 2) {
                long numerator = Long.parseLong(parts[0].strip());
                long denominator = Long.parseLong(parts[1].strip());
                if (numerator > 0 && denominator > 0 && numerator < denominator && denominator <= 1000) {
                    return new long[] {numerator, denominator};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(RENEW_AT, text, "must be a fraction n/d between 0 and 1 exclusive, such as 2/3");
    }
}
