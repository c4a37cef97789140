package dev.vmpools.api.config;

import dev.vmpools.api.names.Dns1123;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The values of a component's declared options: defaults overlaid with what was given (options of
 * other components in the same map are ignored). Each typed read fails with a {@link ConfigException}
 * naming the option.
 */
public final class Options {
    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    public static Options of(List<Option> declared, Map<String, String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        declared.forEach(option -> values.put(option.name(), option.defaultValue()));
        given.forEach((name, value) -> {
            if (values.containsKey(name)) {
                values.put(name, Objects.requireNonNull(value, name).strip());
            }
        });
        return new Options(values);
    }

    public String text(Option option) {
        String value = values.get(option.name());
        if (value == null) {
            throw new IllegalArgumentException("option --" + option.name() + " was not declared");
        }
        return value;
    }

    public String nonEmpty(Option option, String what) {
        String value = text(option);
        if (value.isEmpty()) {
            throw new ConfigException(option, value, "must not be empty: give " + what);
        }
        return value;
    }

    public int port(Option option) {
        return integer(option, 0, 65535);
    }

    public int integer(Option option, int min, int max) {
        String value = text(option);
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(option, value, "must be a whole number from " + min + " to " + max);
    }

    public boolean bool(Option option) {
        String value = text(option);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(option, value, "must be true or false");
        };
    }

    /** An ISO 8601 duration within {@code [min, max]}. */
    public Duration duration(Option option, Duration min, Duration max) {
        String value = text(option);
        try {
            Duration duration = Duration.parse(value);
            if (duration.compareTo(min) >= 0 && duration.compareTo(max) <= 0) {
                return duration;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new ConfigException(option, value, "must be an ISO 8601 duration (such as PT1S, PT30M, P1D) from "
                + min + " to " + max);
    }

    /** A comma-separated list; empty entries dropped, order kept. */
    public Set<String> list(Option option) {
        return Arrays.stream(text(option).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** A DNS-1123 subdomain, such as a namespace or an object name. */
    public String dnsName(Option option) {
        String value = text(option);
        Dns1123.subdomainProblem(value).ifPresent(problem -> {
            throw new ConfigException(option, value, problem);
        });
        return value;
    }

    /** A comma-separated list of DNS-1123 subdomains. */
    public Set<String> dnsNames(Option option) {
        Set<String> names = list(option);
        for (String name : names) {
            Dns1123.subdomainProblem(name).ifPresent(problem -> {
                throw new ConfigException(option, text(option), "'" + name + "': " + problem);
            });
        }
        return names;
    }

    /** One of the given words. */
    public <T> T oneOf(Option option, Map<String, T> choices) {
        String value = text(option);
        T choice = choices.get(value);
        if (choice == null) {
            throw new ConfigException(option, value, "must be one of " + String.join(", ", choices.keySet()));
        }
        return choice;
    }
}
