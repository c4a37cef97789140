package dev.vmpools.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
    private static final Option PORT = new Option("port", "8443", "HTTPS port");
    private static final Option NAMESPACES = new Option("pool-namespaces", "", "namespaces");
    private static final Option STOP = new Option("stop-after-expiry", "false", "stop expired VMs");
    private static final List<Option> DECLARED = List.of(PORT, NAMESPACES, STOP);

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vmpools.yaml");
        Files.writeString(file, "port: 7000\npool-namespaces: [vmop-dev, lab]\nstop-after-expiry: true\n");

        CommandLine line = CommandLine.parse(List.of("--config", file.toString(), "--port=9443"),
                Map.of("VMPOOLS_PORT", "8000", "VMPOOLS_STOP_AFTER_EXPIRY", "false", "VMPOOLS_CACHE", "/elsewhere"), DECLARED);

        assertThat(line.values()).containsExactlyInAnyOrderEntriesOf(
                Map.of("port", "9443", "pool-namespaces", "vmop-dev,lab", "stop-after-expiry", "false"));
    }

    @Test
    void aBooleanFlagAloneMeansTrueAndOthersTakeTheNextArgument() {
        CommandLine line = CommandLine.parse(List.of("--stop-after-expiry", "--port", "9443"), Map.of(), DECLARED);

        assertThat(line.values()).containsEntry("stop-after-expiry", "true").containsEntry("port", "9443");
    }

    @Test
    void unknownFlagOrFileKeyIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vmpools.yaml");
        Files.writeString(file, "prot: 7000\n");

        assertThatThrownBy(() -> CommandLine.parse(List.of("--prot=1"), Map.of(), DECLARED))
                .isInstanceOf(ConfigException.class).hasMessage("unknown flag --prot: see --help for the options");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--config=" + file), Map.of(), DECLARED))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'prot' in " + file);
        assertThatThrownBy(() -> CommandLine.parse(List.of("--port"), Map.of(), DECLARED))
                .isInstanceOf(ConfigException.class).hasMessage("--port needs a value");
    }

    @Test
    void helpListsEveryOptionWithDefaultAndEnvironmentVariable() {
        assertThat(CommandLine.parse(List.of("--port=1", "--help"), Map.of(), DECLARED).helpRequested()).isTrue();

        String help = CommandLine.help("usage: vmpools run scheduler", DECLARED);

        assertThat(help).contains("--port (VMPOOLS_PORT)  default: 8443", "--pool-namespaces (VMPOOLS_POOL_NAMESPACES)  default: (empty)",
                "--stop-after-expiry (VMPOOLS_STOP_AFTER_EXPIRY)  default: false", "--config FILE");
    }
}
