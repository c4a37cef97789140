package dev.vmpools.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds control planes whose owning JVM is gone and ends what is left of them. The supervisor
 * normally takes its server down with the JVM; this catches the rest (a SIGKILL of the whole
 * process tree, a machine that lost power mid-run) by the pid files each run leaves in its folder.
 */
final class LeftoverSweeper {
    static final String OWNER_FILE = "owner";

    private LeftoverSweeper() {
    }

    /** Writes the owner record (this JVM's pid and start time) of a new run folder. */
    static void claim(Path runDir) {
        ProcessHandle self = ProcessHandle.current();
        String started = self.info().startInstant().map(Instant::toString).orElse("");
        try {
            Files.writeString(runDir.resolve(OWNER_FILE), self.pid() + " " + started + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the servers of every run folder under {@code runsRoot} whose owner is dead, and removes the folder. */
    static int sweep(Path runsRoot, Path binariesDir) {
        if (!Files.isDirectory(runsRoot)) {
            return 0;
        }
        int killed = 0;
        try (Stream<Path> runs = Files.list(runsRoot)) {
            for (Path run : runs.filter(Files::isDirectory).toList()) {
                if (ownerAlive(run)) {
                    continue;
                }
                killed += killServers(run, binariesDir);
                deleteTree(run);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("control plane: cannot sweep " + runsRoot, e);
        }
        return killed;
    }

    private static boolean ownerAlive(Path run) {
        try {
            String[] owner = Files.readString(run.resolve(OWNER_FILE)).strip().split(" ", 2);
            Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(owner[0]));
            // The start time guards against a recycled pid.
            return handle.isPresent() && (owner.length < 2 || owner[1].isEmpty()
                    || handle.get().info().startInstant().map(Instant::toString).map(owner[1]::equals).orElse(true));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int killServers(Path run, Path binariesDir) throws IOException {
        int killed = 0;
        try (Stream<Path> files = Files.list(run)) {
            for (Path pidFile : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                try {
                    long pid = Long.parseLong(Files.readString(pidFile).strip());
                    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                    // Only what we started: the command must be one of our binaries.
                    if (handle.isPresent() && handle.get().info().command()
                            .map(c -> c.startsWith(binariesDir.getParent().toString())).orElse(false)) {
                        handle.get().destroyForcibly();
                        killed++;
                    }
                } catch (NumberFormatException | IOException e) {
                    // An unreadable pid file names nothing to kill.
                }
            }
        }
        return killed;
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort: a folder that cannot be removed now is swept again next time.
        }
    }
}
