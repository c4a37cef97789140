package dev.vmpools.scheduler;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scheduler in a JVM of its own ({@link SchedulerMain} on the test classpath), acting as its service account
 * through the control plane's kubeconfig context {@code scheduler}: a process a test can kill with SIGKILL, and
 * whose memory a benchmark can measure. It runs under the control plane's {@code supervise} binary, which ends it
 * should the test JVM die first. Its standard output and error go to a log file beside the test reports.
 */
final class SchedulerProcess implements AutoCloseable {
    /** The JVM flags of {@code manifests/workloads/scheduler.yaml} (JAVA_TOOL_OPTIONS). */
    static final List<String> DEPLOYMENT_JVM_FLAGS = List.of("-XX:MaxRAMPercentage=35", "-XX:InitialRAMPercentage=10",
            "-XX:NewRatio=3", "-XX:MaxHeapFreeRatio=30", "-XX:MinHeapFreeRatio=10", "-XX:-ShrinkHeapInSteps",
            "-XX:TrimNativeHeapInterval=10000", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
            "-XX:+UseStringDeduplication");
    /**
     * The Deployment's memory limit (768Mi), which a JVM in the container sees as its RAM: the percentages above
     * refer to it. Outside a container the same sizing needs {@code -XX:MaxRAM}.
     */
    static final String DEPLOYMENT_MEMORY_LIMIT = "-XX:MaxRAM=768m";

    private static final Pattern STARTED = Pattern.compile("vmpools scheduler (\\S+) metrics-port=(\\d+)");
    private static final Duration START_PATIENCE = Duration.ofSeconds(60);

    /** The supervisor; the JVM is its child. */
    private final Process process;
    private final long pid;
    private final Path log;
    private final String identity;
    private final int metricsPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private SchedulerProcess(Process process, long pid, Path log, String identity, int metricsPort) {
        this.process = process;
        this.pid = pid;
        this.log = log;
        this.identity = identity;
        this.metricsPort = metricsPort;
    }

    /**
     * Starts a scheduler for {@code namespaces} (comma-separated), leader election off, and waits until it
     * has printed its health port (it then runs; {@link #awaitReady} waits for its caches).
     *
     * @param jvmFlags flags for the child JVM, e.g. {@link #DEPLOYMENT_JVM_FLAGS}
     * @param logName the log file's name under {@code target/}
     */
    static SchedulerProcess start(ControlPlane cp, String namespaces, List<String> jvmFlags, String logName) {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path pidFile = cp.stateDir().resolve(logName.replaceAll("\\.log$", "") + ".pid");
        List<String> command = new ArrayList<>(List.of(cp.binaries().supervise().toString(), "-pidfile",
                pidFile.toString(), "--"));
        command.add(java.toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SchedulerMain.class.getName(),
                "--kubeconfig=" + cp.kubeconfig(), "--context=" + TestUser.SCHEDULER.context(),
                "--pool-namespaces=" + namespaces, "--leader-election=false", "--metrics-port=0"));
        Path log = Path.of("target", logName).toAbsolutePath();
        Process process;
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "");
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CompletableFuture<Matcher> started = CompletableFuture.supplyAsync(() -> firstLine(process, log));
        try {
            Matcher line = started.get(START_PATIENCE.toSeconds(), TimeUnit.SECONDS);
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            return new SchedulerProcess(process, pid, log, line.group(1), Integer.parseInt(line.group(2)));
        } catch (TimeoutException | ExecutionException | IOException e) {
            process.destroyForcibly();
            throw new AssertionError("the scheduler process did not start within " + START_PATIENCE.toSeconds()
                    + " s; its log " + log + ":\n" + tail(log), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting the scheduler process", e);
        }
    }

    /** Reads stdout until the start line; later output is copied to the log. */
    private static Matcher firstLine(Process process, Path log) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                Matcher matcher = STARTED.matcher(line);
                if (matcher.find()) {
                    Thread.ofVirtual().start(() -> drain(reader, log));
                    return matcher;
                }
                append(log, line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("the scheduler process exited with " + exitCode(process) + " before starting");
    }

    private static void drain(BufferedReader reader, Path log) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                append(log, line);
            }
        } catch (IOException ended) {
            // the process is gone
        }
    }

    private static synchronized void append(Path log, String line) {
        try {
            Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // diagnostics only
        }
    }

    private static String exitCode(Process process) {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(still running)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(unknown)";
        }
    }

    /** The scheduler JVM's pid (not its supervisor's). */
    long pid() {
        return pid;
    }

    String identity() {
        return identity;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Whether {@code /health/ready} answers 200: the caches have synced and planning runs. */
    boolean ready() {
        return status("/health/ready") == 200;
    }

    /** Waits until {@link #ready()}. */
    SchedulerProcess awaitReady() {
        org.awaitility.Awaitility.await().atMost(START_PATIENCE).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the scheduler process exited with " + process.exitValue()
                                + "; its log " + log + ":\n" + tail(log));
                    }
                    return ready();
                });
        return this;
    }

    /** The Prometheus text of {@code /metrics}. */
    String metrics() {
        return get("/metrics").body();
    }

    /** Kills the JVM with SIGKILL: no shutdown hook runs, writes in flight are cut off. */
    void kill() {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the scheduler process " + pid() + " outlived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while killing the scheduler process", e);
        }
    }

    /**
     * Runs {@code jcmd <pid> GC.run} (a full collection) and {@code System.trim_native_heap}, then reads
     * {@code VmRSS} from {@code /proc/<pid>/status}.
     *
     * @return the resident set in bytes
     */
    long residentAfterFullGc() {
        jcmd("GC.run");
        // What -XX:TrimNativeHeapInterval does within 10 s anyway: give the C heap's free memory back.
        jcmd("System.trim_native_heap");
        return residentBytes();
    }

    /** {@code VmRSS} of {@code /proc/<pid>/status}, in bytes. */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid() + "/status");
    }

    /** Runs a {@code jcmd} command against the process (e.g. {@code JFR.start}); returns what it printed. */
    String jcmd(String... args) {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        List<String> command = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
        command.addAll(List.of(args));
        return run(command);
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + String.join(" ", command), e);
        }
    }

    Path log() {
        return log;
    }

    private int status(String path) {
        try {
            return get(path).statusCode();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Ends the process gently (SIGTERM, its shutdown hook closes the scheduler), forcibly after 10 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
