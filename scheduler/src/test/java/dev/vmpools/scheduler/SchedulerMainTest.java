package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmpools.api.config.CommandLine;
import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerMainTest {

    @Test
    void readsOptionsWithAndWithoutEqualsSignAndBareFlags() {
        Map<String, String> given = CommandLine.parse(List.of("--kubeconfig=/tmp/kc", "--context", "scheduler",
                "--pool-namespaces=a,b", "--metrics-port", "0", "--stop-after-expiry"), Map.of(), SchedulerMain.OPTIONS).values();

        assertThat(given).containsExactly(Map.entry("kubeconfig", "/tmp/kc"), Map.entry("context", "scheduler"),
                Map.entry("pool-namespaces", "a,b"), Map.entry("metrics-port", "0"),
                Map.entry("stop-after-expiry", "true"));
        assertThat(SchedulerConfig.from(given).metricsPort()).isZero();
    }

    @Test
    void refusesUnknownOptionsAndStrayWords() {
        assertThatThrownBy(() -> CommandLine.parse(List.of("--pool-namespace=a"), Map.of(), SchedulerMain.OPTIONS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown flag --pool-namespace");
        assertThatThrownBy(() -> CommandLine.parse(List.of("scheduler"), Map.of(), SchedulerMain.OPTIONS))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unexpected argument 'scheduler'");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        String help = CommandLine.help("usage", SchedulerMain.OPTIONS);

        assertThat(help).contains("--kubeconfig", "--context");
        for (Option option : SchedulerConfig.OPTIONS) {
            assertThat(help).contains("--" + option.name());
        }
        assertThat(help).contains("default: vmpools-system", "default: 8080");
    }
}
