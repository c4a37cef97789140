package dev.vmpools.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The folder of the Go-built control-plane binaries. {@code VMPOOLS_TESTENV_BIN} (or the system
 * property {@code vmpools.testenv.bin}) names a ready folder; otherwise {@code testenv/build.sh}
 * of the repository builds it once (or finds it in its cache) and prints it.
 */
public record Binaries(Path dir) {
    public static final List<String> NAMES =
            List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl", "supervise");

    public Binaries {
        for (String name : NAMES) {
            if (!Files.isExecutable(dir.resolve(name))) {
                throw new ControlPlaneException("control plane: " + dir.resolve(name) + " is missing or not "
                        + "executable; unset VMPOOLS_TESTENV_BIN or run testenv/build.sh");
            }
        }
    }

    public Path etcd() {
        return dir.resolve("etcd");
    }

    public Path kubeApiServer() {
        return dir.resolve("kube-apiserver");
    }

    public Path kubeControllerManager() {
        return dir.resolve("kube-controller-manager");
    }

    public Path kubectl() {
        return dir.resolve("kubectl");
    }

    public Path supervise() {
        return dir.resolve("supervise");
    }

    /** The configured folder, or the one {@code testenv/build.sh} builds or finds in its cache. */
    public static Binaries locate() {
        Optional<String> configured = setting("vmpools.testenv.bin", "VMPOOLS_TESTENV_BIN");
        if (configured.isPresent()) {
            return new Binaries(Path.of(configured.get()));
        }
        return build(repositoryRoot());
    }

    /** The repository root: {@code vmpools.repo} / {@code VMPOOLS_REPO}, else the nearest parent holding testenv/build.sh. */
    public static Path repositoryRoot() {
        Optional<String> configured = setting("vmpools.repo", "VMPOOLS_REPO");
        if (configured.isPresent()) {
            return Path.of(configured.get()).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("testenv/build.sh"))) {
                return p;
            }
        }
        throw new ControlPlaneException("control plane: cannot find the repository (testenv/build.sh) above "
                + Path.of("").toAbsolutePath() + "; set VMPOOLS_REPO");
    }

    private static Binaries build(Path repo) {
        Path script = repo.resolve("testenv/build.sh");
        try {
            Process build = new ProcessBuilder("bash", script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            String out;
            try (InputStream stdout = build.getInputStream()) {
                out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            int code = build.waitFor();
            if (code != 0 || out.isEmpty()) {
                throw new ControlPlaneException("control plane: step 'build' failed: " + script + " exited with "
                        + code + " (its messages are above)");
            }
            return new Binaries(Path.of(out.lines().reduce((a, b) -> b).orElseThrow()));
        } catch (IOException e) {
            throw new UncheckedIOException("control plane: cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlPlaneException("control plane: interrupted while building", e);
        }
    }

    private static Optional<String> setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
}
