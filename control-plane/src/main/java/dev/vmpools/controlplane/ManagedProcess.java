package dev.vmpools.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * One server process running under the {@code supervise} binary, which ends it when this JVM dies.
 * Output goes to {@code <state>/<name>.log}; the supervisor keeps the server's pid in
 * {@code <state>/<name>.pid} while it runs, which is what {@link LeftoverSweeper} reads.
 */
final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final Path log;
    private final Path pidFile;
    private final Process supervisor;

    private ManagedProcess(String name, Path log, Path pidFile, Process supervisor) {
        this.name = name;
        this.log = log;
        this.pidFile = pidFile;
        this.supervisor = supervisor;
    }

    static ManagedProcess start(Binaries binaries, Path stateDir, String name, List<String> command) {
        Path log = stateDir.resolve(name + ".log");
        Path pidFile = stateDir.resolve(name + ".pid");
        List<String> full = new ArrayList<>(List.of(binaries.supervise().toString(), "-pidfile", pidFile.toString(), "--"));
        full.addAll(command);
        try {
            Files.writeString(log, String.join(" ", full) + "\n");
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            return new ManagedProcess(name, log, pidFile, process);
        } catch (IOException e) {
            throw new UncheckedIOException("control plane: cannot start " + name + " (" + command.get(0) + ")", e);
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return supervisor.isAlive();
    }

    /** The server's own pid (not the supervisor's), once the supervisor has written it. */
    OptionalLong serverPid() {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(pidFile).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    long supervisorPid() {
        return supervisor.pid();
    }

    /** Asks the supervisor to stop the server (SIGTERM, then SIGKILL after five seconds) and waits. */
    @Override
    public void close() {
        supervisor.destroy();
        try {
            if (!supervisor.waitFor(15, TimeUnit.SECONDS)) {
                supervisor.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            supervisor.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
