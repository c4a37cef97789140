package dev.vmpools.webhook.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.vmpools.controlplane.Binaries;

/**
 * BENCHMARKS.md at the repository root: each benchmark owns one section between
 * {@code <!-- bench:<id> -->} and {@code <!-- /bench:<id> -->} and replaces only that, so benchmarks of other
 * modules and hand-written text around them stay as they are.
 */
final class BenchmarksFile {

    private static final String HEADER = """
            # Benchmarks

            Written by `./vmpools bench` (not part of CI): each section is replaced by the benchmark that owns it,
            with the machine and date it ran on. Rates under load depend on the machine; targets are reported, not
            asserted.
            """;

    private BenchmarksFile() {
    }

    static Path path() {
        return Binaries.repositoryRoot().resolve("BENCHMARKS.md");
    }

    /** Replaces (or appends) the section {@code id} with {@code markdown}. */
    static synchronized void writeSection(String id, String markdown) throws IOException {
        Path file = path();
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : HEADER;
        String begin = "<!-- bench:" + id + " -->";
        String end = "<!-- /bench:" + id + " -->";
        String section = begin + "\n" + markdown.strip() + "\n" + end;
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        String updated;
        if (from >= 0 && to > from) {
            updated = text.substring(0, from) + section + text.substring(to + end.length());
        } else {
            updated = text.stripTrailing() + "\n\n" + section + "\n";
        }
        Path temporary = file.resolveSibling(".BENCHMARKS.md." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(temporary, updated, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
