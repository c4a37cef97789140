package dev.vmpools.webhook;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.vmpools.api.identity.AdminGroups;
import dev.vmpools.api.identity.Delegate;
import dev.vmpools.api.identity.Delegates;
import dev.vmpools.api.identity.IdentityPolicy;
import dev.vmpools.api.names.Dns1123;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.webhook.identity.CallerPolicy;

/**
 * The webhook's configuration, typed and checked. {@link #from(Map)} is the one place that reads it, from
 * option names without the leading {@code --} (the launcher maps flags, environment and files to those);
 * a bad value fails with a {@link ConfigException} naming the option. {@link #KEYS} lists every option with
 * its default, for {@code --help}.
 *
 * @param host the address to listen on
 * @param port the HTTPS port (0 for any free port)
 * @param tlsFiles the PEM key and certificate chain to serve and watch; empty to use {@code tlsSecret}
 * @param tlsSecret the {@code kubernetes.io/tls} Secret in {@code namespace} to serve and watch
 * @param namespace vmpools' own namespace
 * @param callers prefixes, user name pattern, admin and trusted groups, delegates
 * @param retentionMode which retention texts pools may have
 * @param poolNamespaces the namespaces whose pools and requests are cached; empty for every namespace
 * @param poolReadTimeout the time limit of the live read of a pool the cache does not hold
 */
public record WebhookConfig(String host, int port, Optional<TlsFiles> tlsFiles, String tlsSecret, String namespace,
                            CallerPolicy callers, RetentionMode retentionMode, Set<String> poolNamespaces,
                            Duration poolReadTimeout) {

    public static final Key HOST = new Key("host", "0.0.0.0", "address to listen on");
    public static final Key PORT = new Key("port", "8443", "HTTPS port of the admission, health and metrics endpoints");
    public static final Key TLS_KEY_FILE = new Key("tls-key-file", "",
            "PEM private key to serve (with --tls-cert-file); empty: use --tls-secret");
    public static final Key TLS_CERT_FILE = new Key("tls-cert-file", "",
            "PEM certificate chain to serve (with --tls-key-file); reloaded when it changes");
    public static final Key TLS_SECRET = new Key("tls-secret", "vmpools-webhook-tls",
            "kubernetes.io/tls Secret in --namespace to serve when no files are given; watched and swapped in place");
    public static final Key NAMESPACE = new Key("namespace", "vmpools-system", "vmpools' own namespace");
    public static final Key USER_PREFIX = new Key("user-prefix", "",
            "prefix stripped from user names (e.g. oidc:); when set, users without it are no pool users");
    public static final Key GROUP_PREFIX = new Key("group-prefix", "",
            "prefix stripped from groups to get roles; when set, groups without it are no roles");
    public static final Key USER_NAME_PATTERN = new Key("user-name-pattern", IdentityPolicy.DEFAULT_USER_NAME_PATTERN,
            "regular expression pool user names (prefix stripped) must match: they are also guest login names");
    public static final Key ADMIN_GROUPS = new Key("admin-groups", AdminGroups.DEFAULT_GROUP,
            "comma-separated groups whose members may request VMs for anyone and change protected metadata");
    public static final Key TRUSTED_GROUPS = new Key("trusted-groups", String.join(",", CallerPolicy.DEFAULT_TRUSTED_GROUPS),
            "comma-separated groups not limited to starting and stopping their assigned VM (components' service accounts)");
    public static final Key DELEGATES = new Key("delegates", "",
            "service accounts that may request VMs for others: <namespace>/<name>=<ns>[;<ns>...] or =*, comma-separated");
    public static final Key VM_OPERATOR = new Key("vm-operator", "present",
            "present: only retention texts VM-Operator's manager can parse; absent: also weeks, months, years");
    public static final Key POOL_NAMESPACES = new Key("pool-namespaces", "",
            "comma-separated namespaces whose pools and VmAssignments are cached; empty for every namespace");
    public static final Key POOL_READ_TIMEOUT = new Key("pool-read-timeout", "PT1S",
            "time limit (ISO 8601) of the live read of a pool missing from the cache");

    /** Every option, in the order {@code --help} lists them. */
    public static final List<Key> KEYS = List.of(HOST, PORT, TLS_KEY_FILE, TLS_CERT_FILE, TLS_SECRET, NAMESPACE,
            USER_PREFIX, GROUP_PREFIX, USER_NAME_PATTERN, ADMIN_GROUPS, TRUSTED_GROUPS, DELEGATES, VM_OPERATOR,
            POOL_NAMESPACES, POOL_READ_TIMEOUT);

    public WebhookConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tlsFiles, "tlsFiles");
        Objects.requireNonNull(tlsSecret, "tlsSecret");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(callers, "callers");
        Objects.requireNonNull(retentionMode, "retentionMode");
        poolNamespaces = Set.copyOf(poolNamespaces);
        Objects.requireNonNull(poolReadTimeout, "poolReadTimeout");
    }

    /** An option: its name (without {@code --}), default and what it means. */
    public record Key(String name, String defaultValue, String description) {
    }

    /** The PEM files of the serving key and certificate chain. */
    public record TlsFiles(Path key, Path chain) {
    }

    /** A value that cannot be used; the message names the option. */
    public static final class ConfigException extends IllegalArgumentException {
        public ConfigException(Key key, String value, String problem) {
            super("--" + key.name() + "=" + value + ": " + problem);
        }
    }

    /** Every option at its default. */
    public static WebhookConfig defaults() {
        return from(Map.of());
    }

    /**
     * Reads the options; absent ones take their defaults, options of other components are ignored.
     *
     * @throws ConfigException for the first bad value, naming its option
     */
    public static WebhookConfig from(Map<String, String> options) {
        Map<String, String> values = new HashMap<>();
        KEYS.forEach(key -> values.put(key.name(), key.defaultValue()));
        options.forEach((name, value) -> {
            if (values.containsKey(name)) {
                values.put(name, Objects.requireNonNull(value, name).strip());
            }
        });

        String host = values.get(HOST.name());
        if (host.isEmpty()) {
            throw new ConfigException(HOST, host, "give an address such as 0.0.0.0 or 127.0.0.1");
        }
        int port = port(values.get(PORT.name()));
        Optional<TlsFiles> tlsFiles = tlsFiles(values.get(TLS_KEY_FILE.name()), values.get(TLS_CERT_FILE.name()));
        String tlsSecret = dnsName(TLS_SECRET, values.get(TLS_SECRET.name()));
        String namespace = dnsName(NAMESPACE, values.get(NAMESPACE.name()));

        String patternText = values.get(USER_NAME_PATTERN.name());
        Pattern pattern;
        try {
            pattern = Pattern.compile(patternText);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(USER_NAME_PATTERN, patternText, "not a regular expression: " + e.getDescription());
        }
        IdentityPolicy identity = new IdentityPolicy(values.get(USER_PREFIX.name()), values.get(GROUP_PREFIX.name()), pattern);
        Set<String> adminGroups = list(values.get(ADMIN_GROUPS.name()));
        Set<String> trustedGroups = list(values.get(TRUSTED_GROUPS.name()));
        Delegates delegates = delegates(values.get(DELEGATES.name()));
        CallerPolicy callers = new CallerPolicy(identity, new AdminGroups(adminGroups), trustedGroups, delegates);

        String vmOperator = values.get(VM_OPERATOR.name());
        RetentionMode mode = switch (vmOperator) {
            case "present" -> RetentionMode.COMPATIBLE;
            case "absent" -> RetentionMode.VM_OPERATOR_ABSENT;
            default -> throw new ConfigException(VM_OPERATOR, vmOperator, "must be present or absent");
        };

        Set<String> poolNamespaces = list(values.get(POOL_NAMESPACES.name()));
        for (String poolNamespace : poolNamespaces) {
            dnsName(POOL_NAMESPACES, poolNamespace);
        }

        String timeoutText = values.get(POOL_READ_TIMEOUT.name());
        Duration timeout;
        try {
            timeout = Duration.parse(timeoutText);
        } catch (DateTimeParseException e) {
            throw new ConfigException(POOL_READ_TIMEOUT, timeoutText, "not an ISO 8601 duration such as PT1S or PT0.5S");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new ConfigException(POOL_READ_TIMEOUT, timeoutText,
                    "must be longer than zero and at most PT10S (the API server waits for the webhook at most that long)");
        }
        return new WebhookConfig(host, port, tlsFiles, tlsSecret, namespace, callers, mode, poolNamespaces, timeout);
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(PORT, text, "must be a port number from 0 to 65535");
    }

    private static Optional<TlsFiles> tlsFiles(String key, String chain) {
        if (key.isEmpty() && chain.isEmpty()) {
            return Optional.empty();
        }
        if (key.isEmpty()) {
            throw new ConfigException(TLS_KEY_FILE, key, "give the key file too, since --tls-cert-file is set");
        }
        if (chain.isEmpty()) {
            throw new ConfigException(TLS_CERT_FILE, chain, "give the certificate file too, since --tls-key-file is set");
        }
        return Optional.of(new TlsFiles(Path.of(key), Path.of(chain)));
    }

    private static String dnsName(Key key, String value) {
        Dns1123.subdomainProblem(value).ifPresent(problem -> {
            throw new ConfigException(key, value, problem);
        });
        return value;
    }

    private static Set<String> list(String text) {
        Set<String> items = new LinkedHashSet<>();
        Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(items::add);
        return items;
    }

    /** {@code gitops/deployer=team-a;team-b,ci/bot=*} (also with the full {@code system:serviceaccount:} user name). */
    private static Delegates delegates(String text) {
        List<Delegate> delegates = new java.util.ArrayList<>();
        for (String entry : list(text)) {
            int equals = entry.indexOf('=');
            if (equals < 0) {
                throw new ConfigException(DELEGATES, text, "entry '" + entry
                        + "' needs namespaces: <namespace>/<service account>=<ns>[;<ns>...] or =*");
            }
            String account = entry.substring(0, equals).strip();
            String username = account.startsWith(IdentityPolicy.SERVICE_ACCOUNT_PREFIX)
                    ? account : IdentityPolicy.SERVICE_ACCOUNT_PREFIX + account.replace('/', ':');
            Set<String> namespaces = new LinkedHashSet<>();
            Arrays.stream(entry.substring(equals + 1).split(";")).map(String::strip).filter(s -> !s.isEmpty())
                    .forEach(namespaces::add);
            try {
                delegates.add(new Delegate(username, namespaces));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(DELEGATES, text, "entry '" + entry + "': " + e.getMessage());
            }
        }
        return new Delegates(delegates);
    }
}
