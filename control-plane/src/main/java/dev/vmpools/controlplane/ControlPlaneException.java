package dev.vmpools.controlplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A step of building or starting the control plane failed; the message names the step and shows the log's tail. */
public final class ControlPlaneException extends RuntimeException {
    private static final int TAIL_LINES = 30;

    public ControlPlaneException(String message) {
        super(message);
    }

    public ControlPlaneException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A failed step with the last lines of its log appended to the message. */
    public static ControlPlaneException stepFailed(String step, String what, Path log) {
        return new ControlPlaneException("control plane: step '" + step + "' failed: " + what
                + "\nlast lines of " + log + ":\n" + tail(log));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(log not readable: " + e.getMessage() + ")";
        }
    }
}
