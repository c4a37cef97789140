package dev.vmpools.webhook.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.LocalCertificates;
import dev.vmpools.controlplane.TestUser;

/** {@link WebhookProcessMain} started as a separate JVM, acting as the webhook's service account. */
final class WebhookProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final int allowingPort;

    private WebhookProcess(Process process, int port, int allowingPort) {
        this.process = process;
        this.port = port;
        this.allowingPort = allowingPort;
    }

    /**
     * Starts it with these JVM options and {@code JAVA_TOOL_OPTIONS}, serving a certificate of the control plane's
     * CA, for the pools and assignments of {@code namespace}; returns once its caches have synced.
     */
    static WebhookProcess start(ControlPlane cp, Path dir, List<String> jvmOptions, String javaToolOptions, String namespace)
            throws IOException, InterruptedException {
        LocalCertificates.Serving serving = cp.authority().issueServing("vmpools webhook bench");
        Path key = dir.resolve("tls.key");
        Path chain = dir.resolve("tls.crt");
        Files.writeString(key, serving.keyPem());
        Files.writeString(chain, serving.certificatePem() + cp.authority().caPem());
        Path ca = dir.resolve("api-ca.crt");
        Files.writeString(ca, cp.authority().caPem());
        Path token = dir.resolve("token");
        Files.writeString(token, TestUser.WEBHOOK.token());
        Path log = dir.resolve("webhook.log");

        List<String> command = new ArrayList<>(JavaCommand.java(jvmOptions));
        command.addAll(List.of(WebhookProcessMain.class.getName(), cp.apiServerUrl().toString(), ca.toString(), token.toString(),
                key.toString(), chain.toString(), namespace));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
        builder.environment().put("JAVA_TOOL_OPTIONS", javaToolOptions);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("READY ")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String line;
        try {
            line = ready.get(90, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            line = null;
        }
        if (line == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the webhook process did not become ready; its log:\n" + Files.readString(log));
        }
        String[] ports = line.substring("READY ".length()).strip().split(" ");
        return new WebhookProcess(process, Integer.parseInt(ports[0]), Integer.parseInt(ports[1]));
    }

    int port() {
        return port;
    }

    /** The port of {@link AllowingService}, in the same process. */
    int allowingPort() {
        return allowingPort;
    }

    long pid() {
        return process.pid();
    }

    /** A field of {@code /proc/<pid>/status} in KiB, such as {@code VmRSS} or {@code VmHWM}. */
    long statusKib(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                .filter(line -> line.startsWith(field + ":"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + field + " for process " + pid()));
    }

    /** The resident KiB of the mappings in [{@code from}, {@code to}), from {@code /proc/<pid>/smaps}. */
    long residentKib(long from, long to) throws IOException {
        long total = 0;
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "smaps"))) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = start < to && end > from;
            } else if (inside && line.startsWith("Rss:")) {
                total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    /** Runs {@code jcmd <pid> <command...>} and answers its output. */
    String jcmd(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(JavaCommand.jcmd().toString(), Long.toString(pid())));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
