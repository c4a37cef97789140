package dev.vmpools.api.config;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where option values come from, in order of precedence: flags ({@code --name=value} or
 * {@code --name value}; a boolean option alone means true), environment variables
 * ({@code VMPOOLS_NAME}), a flat YAML file ({@code --config FILE}), then the defaults. An unknown
 * flag or file key is an error naming it.
 */
public record CommandLine(Map<String, String> values, boolean helpRequested) {

    public static CommandLine parse(List<String> args, Map<String, String> environment, List<Option> declared) {
        Map<String, Option> byName = declared.stream().collect(Collectors.toMap(Option::name, o -> o, (a, b) -> a, LinkedHashMap::new));
        Map<String, String> flags = new LinkedHashMap<>();
        Optional<Path> configFile = Optional.empty();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new CommandLine(Map.of(), true);
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException(arg, "unexpected argument '" + arg + "': options are --name=value; see --help");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (isBoolean(byName.get(name)) && (i + 1 == args.size() || args.get(i + 1).startsWith("--"))) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new ConfigException(name, "--" + name + " needs a value");
            }
            if (name.equals("config")) {
                configFile = Optional.of(Path.of(value));
            } else if (byName.containsKey(name)) {
                flags.put(name, value);
            } else {
                throw unknown(name, "flag --" + name);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        configFile.ifPresent(file -> values.putAll(readFile(file, byName)));
        for (Option option : declared) {
            String fromEnvironment = environment.get(option.environmentVariable());
            if (fromEnvironment != null) {
                values.put(option.name(), fromEnvironment);
            }
        }
        values.putAll(flags);
        return new CommandLine(values, false);
    }

    /** The {@code --help} text of these options. */
    public static String help(String usage, List<Option> declared) {
        StringBuilder text = new StringBuilder(usage).append("\n\nOptions (flag, or environment variable, or key in --config FILE):\n");
        for (Option option : declared) {
            text.append("  --").append(option.name()).append(" (").append(option.environmentVariable()).append(")  default: ")
                    .append(option.defaultValue().isEmpty() ? "(empty)" : option.defaultValue()).append("\n      ")
                    .append(option.description()).append('\n');
        }
        return text.append("  --config FILE\n      a YAML file of option: value pairs\n").toString();
    }

    private static boolean isBoolean(Option option) {
        return option != null && (option.defaultValue().equals("true") || option.defaultValue().equals("false"));
    }

    private static Map<String, String> readFile(Path file, Map<String, Option> byName) {
        Map<?, ?> content;
        try (InputStream in = Files.newInputStream(file)) {
            content = Serialization.unmarshal(in, Map.class);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("config", "--config=" + file + ": cannot read it as a YAML map of options: " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (content == null) {
            return values;
        }
        content.forEach((key, value) -> {
            String name = String.valueOf(key);
            if (!byName.containsKey(name)) {
                throw unknown(name, "key '" + name + "' in " + file);
            }
            values.put(name, value instanceof List<?> list
                    ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : value == null ? "" : String.valueOf(value));
        });
        return values;
    }

    private static ConfigException unknown(String name, String where) {
        return new ConfigException(name, "unknown " + where + ": see --help for the options");
    }
}
