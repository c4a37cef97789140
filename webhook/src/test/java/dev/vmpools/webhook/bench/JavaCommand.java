package dev.vmpools.webhook.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a JVM with the test class path, for the processes a benchmark starts. */
final class JavaCommand {

    private JavaCommand() {
    }

    static List<String> java(List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-cp");
        command.add(classPath());
        return command;
    }

    static Path jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd");
    }

    /** Surefire and failsafe may start tests through a manifest-only jar; they name the real class path here. */
    private static String classPath() {
        String tests = System.getProperty("surefire.test.class.path");
        return tests != null && !tests.isBlank() ? tests : System.getProperty("java.class.path");
    }
}
