package dev.vmpools.api.config;

/** A configuration value that cannot be used; the message names the option, the value and what to do. */
public final class ConfigException extends IllegalArgumentException {
    private final String option;

    public ConfigException(Option option, String value, String problem) {
        this(option.name(), "--" + option.name() + "=" + value + ": " + problem);
    }

    public ConfigException(String option, String message) {
        super(message);
        this.option = option;
    }

    /** The name of the option at fault. */
    public String option() {
        return option;
    }
}
