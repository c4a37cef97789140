package dev.vmpools.webhook.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@link LoadGeneratorMain} as a separate JVM and reads its results. */
final class LoadGenerator {

    /** JVM options of the generator: a small heap and the serial collector, to take as little CPU as it can. */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx256m");

    private final Path dir;
    private final int port;
    private final Path caPem;
    private final int connections;
    private final List<String> phases = new ArrayList<>();

    LoadGenerator(Path dir, int port, Path caPem, int connections) {
        this.dir = dir;
        this.port = port;
        this.caPem = caPem;
        this.connections = connections;
    }

    /** What one name's phases measured (latencies in microseconds). */
    record Result(String name, long offered, long completed, long failed, long unexpected, double seconds, double throughput,
                  double p50, double p90, double p99, double p999, double max, double mean, double serviceP50,
                  double serviceP99, double lagP99, double cpuPressure) {

        static Result parse(String line) {
            Map<String, String> values = new LinkedHashMap<>();
            for (String pair : line.substring("RESULT ".length()).split(" ")) {
                int eq = pair.indexOf('=');
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return new Result(values.get("name"), Long.parseLong(values.get("offered")), Long.parseLong(values.get("completed")),
                    Long.parseLong(values.get("failed")), Long.parseLong(values.get("unexpected")),
                    d(values, "seconds"), d(values, "throughput"), d(values, "p50"), d(values, "p90"), d(values, "p99"),
                    d(values, "p999"), d(values, "max"), d(values, "mean"), d(values, "serviceP50"), d(values, "serviceP99"),
                    d(values, "lagP99"), d(values, "cpuPressure"));
        }

        private static double d(Map<String, String> values, String key) {
            return Double.parseDouble(values.get(key));
        }

        double p50Ms() {
            return p50 / 1000;
        }

        double p99Ms() {
            return p99 / 1000;
        }
    }

    /** Adds a phase; {@code rate} 0 is closed-loop saturation. Phases named {@code warmup...} are not reported. */
    LoadGenerator phase(String name, String path, Path body, String expected, int rate, double seconds) {
        if (expected.contains(";")) {
            throw new IllegalArgumentException("the expected text must not contain ';': " + expected);
        }
        phases.add(String.join(";", name, path, body.toString(), expected, Integer.toString(rate),
                String.format(Locale.ROOT, "%.3f", seconds)));
        return this;
    }

    /** Runs every phase in one generator process; answers the results by phase name. */
    Map<String, Result> run(Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(JavaCommand.java(JVM_OPTIONS));
        command.add(LoadGeneratorMain.class.getName());
        command.add(Integer.toString(port));
        command.add(caPem.toString());
        command.add(Integer.toString(connections));
        command.addAll(phases);
        Path out = dir.resolve("load-" + System.nanoTime() + ".out");
        Path log = dir.resolve("load-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the load generator did not finish within " + timeout + "; its log:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the load generator exited with " + process.exitValue() + "; its log:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        Map<String, Result> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (line.startsWith("RESULT ")) {
                Result result = Result.parse(line);
                results.put(result.name(), result);
            }
        }
        System.out.print(Files.readString(log, StandardCharsets.UTF_8));
        return results;
    }
}
