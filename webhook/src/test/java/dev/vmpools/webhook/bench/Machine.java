package dev.vmpools.webhook.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/** The machine a benchmark ran on, as BENCHMARKS.md states it beside the figures. */
record Machine(int processors, String cpu, long memoryKib, String jdk, String os, String loadAverage, Instant at) {

    static Machine current() {
        String cpu = lines(Path.of("/proc/cpuinfo")).flatMap(text -> text.lines()
                .filter(line -> line.startsWith("model name")).map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst()).orElse(System.getProperty("os.arch"));
        long memory = lines(Path.of("/proc/meminfo")).flatMap(text -> text.lines()
                .filter(line -> line.startsWith("MemTotal:")).map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst()).orElse(0L);
        String release = lines(Path.of("/etc/os-release")).flatMap(text -> text.lines()
                .filter(line -> line.startsWith("PRETTY_NAME=")).map(line -> line.substring(12).replace("\"", ""))
                .findFirst()).orElse(System.getProperty("os.name"));
        String load = lines(Path.of("/proc/loadavg")).map(text -> String.join(" ", java.util.Arrays.copyOf(text.split(" "), 3)))
                .orElse("unknown");
        return new Machine(Runtime.getRuntime().availableProcessors(), cpu, memory,
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                release + ", Linux " + System.getProperty("os.version"), load, Instant.now());
    }

    /** One Markdown line: machine, JDK, OS, date and the load average when the benchmark started. */
    String markdown() {
        return String.format(Locale.ROOT, "Machine: %d cores (nproc), %s, %.1f GiB memory; JDK %s; %s. Run %s UTC"
                        + " (load average at start %s; the machine's 2 cores are shared).",
                processors, cpu, memoryKib / 1024.0 / 1024.0, jdk, os,
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(at), loadAverage);
    }

    private static Optional<String> lines(Path file) {
        try {
            return Optional.of(Files.readString(file));
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
