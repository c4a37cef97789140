package dev.vmpools.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * BENCHMARKS.md at the repository root, shared with the other modules' benchmarks: each owns one section between
 * {@code <!-- bench:<id> -->} and {@code <!-- /bench:<id> -->} and replaces only that; text around the sections
 * (such as notes written by hand after a run) stays as it is.
 */
public final class BenchmarksFile {
    private static final String HEADER = """
            # Benchmarks

            Written by `./vmpools bench` (not part of CI): each section is replaced by the benchmark that owns it,
            with the machine and date it ran on. Rates under load depend on the machine; targets are reported, not
            asserted.
            """;

    private BenchmarksFile() {
    }

    public static Path path() {
        return Binaries.repositoryRoot().resolve("BENCHMARKS.md");
    }

    /** Replaces (or appends) the section {@code id} with {@code markdown}. */
    public static synchronized void writeSection(String id, String markdown) throws IOException {
        Path file = path();
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : HEADER;
        String begin = "<!-- bench:" + id + " -->";
        String end = "<!-- /bench:" + id + " -->";
        String section = begin + "\n" + markdown.strip() + "\n" + end;
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        String updated = from >= 0 && to > from
                ? text.substring(0, from) + section + text.substring(to + end.length())
                : text.stripTrailing() + "\n\n" + section + "\n";
        Path temporary = file.resolveSibling(".BENCHMARKS.md." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(temporary, updated, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One Markdown line: processors, CPU, memory, JDK, OS, date and the load average when the benchmark began. */
    public static String machine(Instant at, String loadAtStart) {
        String cpu = read("/proc/cpuinfo").flatMap(t -> t.lines().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()).orElse(System.getProperty("os.arch"));
        long memoryKib = read("/proc/meminfo").flatMap(t -> t.lines().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst()).orElse(0L);
        String os = read("/etc/os-release").flatMap(t -> t.lines().filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring(12).replace("\"", "")).findFirst()).orElse(System.getProperty("os.name"));
        return String.format(Locale.ROOT, "Machine: %d cores (nproc), %s, %.1f GiB memory; JDK %s %s; %s, Linux %s."
                        + " Run %s UTC (load average at start %s; the cores are shared with the control plane and"
                        + " whatever else runs).",
                Runtime.getRuntime().availableProcessors(), cpu, memoryKib / 1024.0 / 1024.0,
                System.getProperty("java.vm.vendor"), System.getProperty("java.runtime.version"), os,
                System.getProperty("os.version"),
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(at), loadAtStart);
    }

    public static String loadAverage() {
        return read("/proc/loadavg").map(t -> String.join(" ", java.util.Arrays.copyOf(t.split(" "), 3)))
                .orElse("unknown");
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
