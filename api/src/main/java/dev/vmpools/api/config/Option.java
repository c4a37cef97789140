package dev.vmpools.api.config;

import java.util.Objects;

/**
 * One option of a component: its name (the flag without {@code --}), its default as text and what it
 * means, for {@code --help}.
 */
public record Option(String name, String defaultValue, String description) {
    public Option {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("option name must be lower-case words joined by '-', got " + name);
        }
    }

    /** The environment variable that may set this option: {@code VMPOOLS_} and the name in upper case with '_'. */
    public String environmentVariable() {
        return "VMPOOLS_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }
}
