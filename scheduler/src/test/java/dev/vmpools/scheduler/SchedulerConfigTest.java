package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import dev.vmpools.api.retention.RetentionMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulerConfigTest {

    @Test
    void defaultsAreTheDeploymentsDefaults() {
        SchedulerConfig config = SchedulerConfig.defaults();

        assertThat(config.poolNamespaces()).isEmpty();
        assertThat(config.namespace()).isEqualTo("vmpools-system");
        assertThat(config.leaderElection()).isTrue();
        assertThat(config.metricsPort()).isEqualTo(8080);
        assertThat(config.stopAfterExpiry()).isFalse();
        assertThat(config.terminalTtl()).isEmpty();
        assertThat(config.retentionMode()).isEqualTo(RetentionMode.COMPATIBLE);
        assertThat(config.poolNotFoundGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(SchedulerConfig.OPTIONS).extracting(Option::name).doesNotHaveDuplicates()
                .containsExactlyElementsOf(SchedulerConfig.KEYS)
                .contains("pool-namespaces", "stop-after-expiry", "terminal-ttl", "leader-election", "metrics-port",
                        "namespace");
    }

    @Test
    void readsEveryOptionAndIgnoresThoseOfOtherComponents() {
        SchedulerConfig config = SchedulerConfig.from(Map.of("pool-namespaces", "team-a, team-b",
                "namespace", "ops", "leader-election", "false", "metrics-port", "0", "stop-after-expiry", "true",
                "terminal-ttl", "P7D", "vm-operator", "absent", "pool-not-found-grace", "PT1S",
                "tls-secret", "the webhook's"));

        assertThat(config.poolNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(config.namespace()).isEqualTo("ops");
        assertThat(config.leaderElection()).isFalse();
        assertThat(config.metricsPort()).isZero();
        assertThat(config.stopAfterExpiry()).isTrue();
        assertThat(config.terminalTtl()).contains(Duration.ofDays(7));
        assertThat(config.retentionMode()).isEqualTo(RetentionMode.VM_OPERATOR_ABSENT);
        assertThat(config.plannerSettings().poolNotFoundGrace()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.plannerSettings().stopAfterExpiry()).isTrue();
    }

    @ParameterizedTest(name = "--{0}={1}")
    @CsvSource({
        "pool-namespaces, Team_A",
        "namespace, ''",
        "leader-election, yes",
        "metrics-port, 70000",
        "stop-after-expiry, 1",
        "terminal-ttl, 7 days",
        "terminal-ttl, PT0S",
        "vm-operator, maybe",
        "pool-not-found-grace, -PT1S",
    })
    void aBadValueStopsStartUpNamingItsOption(String option, String value) {
        assertThatThrownBy(() -> SchedulerConfig.from(Map.of(option, value)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.option()).isEqualTo(option))
                .hasMessageContaining("--" + option + "=");
    }
}
