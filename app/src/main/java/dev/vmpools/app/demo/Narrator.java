package dev.vmpools.app.demo;

import java.io.PrintStream;

/** Prints the story: what happens ({@code ==>}), the command that shows it ({@code $}) and what it printed. */
public final class Narrator {
    private final PrintStream out;

    public Narrator(PrintStream out) {
        this.out = out;
    }

    public void say(String line) {
        out.println("==> " + line);
        out.flush();
    }

    public void command(String command, String output) {
        out.println("$ " + command);
        if (!output.isBlank()) {
            out.println(output.stripTrailing().indent(2).stripTrailing());
        }
        out.flush();
    }

    public void blank() {
        out.println();
    }
}
