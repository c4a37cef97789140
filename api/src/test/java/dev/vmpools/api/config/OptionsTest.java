package dev.vmpools.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {
    private static final Option PORT = new Option("port", "8443", "HTTPS port");
    private static final Option TIMEOUT = new Option("timeout", "PT1S", "time limit");
    private static final Option NAMESPACES = new Option("pool-namespaces", "", "namespaces");
    private static final Option MODE = new Option("vm-operator", "present", "present or absent");
    private static final Option FLAG = new Option("stop-after-expiry", "false", "stop expired VMs");
    private static final List<Option> DECLARED = List.of(PORT, TIMEOUT, NAMESPACES, MODE, FLAG);

    @Test
    void absentOptionsTakeTheirDefaultsAndForeignOnesAreIgnored() {
        Options options = Options.of(DECLARED, Map.of("other-components-option", "x"));

        assertThat(options.port(PORT)).isEqualTo(8443);
        assertThat(options.duration(TIMEOUT, Duration.ZERO, Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.dnsNames(NAMESPACES)).isEmpty();
        assertThat(options.bool(FLAG)).isFalse();
    }

    @Test
    void readsGivenValuesStrippedOfSpace() {
        Options options = Options.of(DECLARED, Map.of("port", " 9443 ", "pool-namespaces", "vmop-dev, lab ,", "stop-after-expiry", "true"));

        assertThat(options.port(PORT)).isEqualTo(9443);
        assertThat(options.dnsNames(NAMESPACES)).containsExactly("vmop-dev", "lab");
        assertThat(options.bool(FLAG)).isTrue();
        assertThat(options.oneOf(MODE, orderedModes())).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port|70000|--port=70000: must be a whole number from 0 to 65535",
        "port|https|--port=https: must be a whole number from 0 to 65535",
        "timeout|1s|--timeout=1s: must be an ISO 8601 duration (such as PT1S, PT30M, P1D) from PT0S to PT10S",
        "timeout|PT11S|--timeout=PT11S: must be an ISO 8601 duration (such as PT1S, PT30M, P1D) from PT0S to PT10S",
        "pool-namespaces|vmop-dev,Lab|--pool-namespaces=vmop-dev,Lab: 'Lab': ",
        "vm-operator|maybe|--vm-operator=maybe: must be one of present, absent",
        "stop-after-expiry|yes|--stop-after-expiry=yes: must be true or false",
    })
    void badValueFailsNamingTheOptionAndWhatToDo(String name, String value, String message) {
        Options options = Options.of(DECLARED, Map.of(name, value));
        Option option = DECLARED.stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();

        assertThatThrownBy(() -> read(options, option))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.option()).isEqualTo(name))
                .hasMessageStartingWith(message);
    }

    @Test
    void optionNamesEnvironmentVariable() {
        assertThat(NAMESPACES.environmentVariable()).isEqualTo("VMPOOLS_POOL_NAMESPACES");
    }

    private static Object read(Options options, Option option) {
        return switch (option.name()) {
            case "port" -> options.port(option);
            case "timeout" -> options.duration(option, Duration.ZERO, Duration.ofSeconds(10));
            case "pool-namespaces" -> options.dnsNames(option);
            case "vm-operator" -> options.oneOf(option, orderedModes());
            default -> options.bool(option);
        };
    }

    private static Map<String, Integer> orderedModes() {
        var modes = new java.util.LinkedHashMap<String, Integer>();
        modes.put("present", 1);
        modes.put("absent", 2);
        return modes;
    }
}
