package dev.vmpools.certs;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.vmpools.certs.pki.Validity;

/** Configurations for tests on the real API server: a short propagation delay and a quick election. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** Defaults (year-long certificates) but quick: propagation 1 s, election Lease 4 s, replicas renew every second. */
    public static CertsConfig quick(String instance) {
        return from(instance, Map.of());
    }

    /** {@link #quick} with these lifetimes (backdate a tenth of each, as for any lifetime under 10 minutes). */
    public static CertsConfig quick(String instance, Duration caLifetime, Duration servingLifetime) {
        return quick(instance).withLifetimes(Validity.of(caLifetime), Validity.of(servingLifetime));
    }

    public static CertsConfig from(String instance, Map<String, String> more) {
        var options = new HashMap<String, String>(Map.of(
                "instance", instance,
                "propagation-delay", "PT1S",
                "extra-names", "127.0.0.1",
                "leader-lease-duration", "PT4S",
                "leader-renew-deadline", "PT3S",
                "leader-retry-period", "PT0.5S",
                "replica-lease-renewal", "PT1S"));
        options.putAll(more);
        return CertsConfig.from(options, "unused-host-name");
    }
}
