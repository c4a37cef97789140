package dev.vmpools.webhook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import dev.vmpools.api.config.Options;
import dev.vmpools.api.identity.AdminGroups;
import dev.vmpools.api.identity.Delegate;
import dev.vmpools.api.identity.Delegates;
import dev.vmpools.api.identity.IdentityPolicy;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.certs.CertsConfig;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.webhook.identity.CallerPolicy;

/**
 * The webhook's configuration, typed and checked. {@link #from(Map)} is the one place that reads it, from
 * option names without the leading {@code --} (the launcher maps flags, environment and files to those);
 * a bad value fails with a {@link ConfigException} naming the option. {@link #OPTIONS} lists every option with
 * its default, for {@code --help}.
 *
 * @param host the address to listen on
 * @param port the HTTPS port (0 for any free port)
 * @param tls where the serving key and certificate come from
 * @param callers prefixes, user name pattern, admin and trusted groups, delegates
 * @param retentionMode which retention texts pools may have
 * @param poolNamespaces the namespaces whose pools and requests are cached; empty for every namespace
 * @param poolReadTimeout the time limit of the live read of a pool the cache does not hold
 * @param recycleConnectionsEvery ask clients to reconnect after one response in this many (0: never)
 */
public record WebhookConfig(String host, int port, TlsSource tls, CallerPolicy callers, RetentionMode retentionMode,
                            Set<String> poolNamespaces, Duration poolReadTimeout, int recycleConnectionsEvery) {

    public static final Option HOST = new Option("host", "0.0.0.0", "address to listen on");
    public static final Option PORT = new Option("port", "8443", "HTTPS port of the admission, health and metrics endpoints");
    public static final Option TLS_KEY_FILE = new Option("tls-key-file", "",
            "PEM private key to serve (with --tls-cert-file); empty: serve the Secret " + Material.SERVING_SECRET
                    + " of --namespace, swapped in place when it changes");
    public static final Option TLS_CERT_FILE = new Option("tls-cert-file", "",
            "PEM certificate chain to serve (with --tls-key-file); reloaded when it changes");
    /** Shared with the certificate component: the same option means the same namespace. */
    public static final Option NAMESPACE = CertsConfig.NAMESPACE;
    /** Shared with the certificate component: this replica's Lease is vmpools-webhook-<instance>. */
    public static final Option INSTANCE = CertsConfig.INSTANCE;
    public static final Option REPLICA_RENEWAL = CertsConfig.REPLICA_RENEWAL;
    public static final Option TLS_WAIT = new Option("tls-wait", "PT2M",
            "how long start-up waits (ISO 8601) for a usable certificate in the Secret " + Material.SERVING_SECRET);
    public static final Option RECYCLE_CONNECTIONS = new Option("recycle-connections-every", "1000",
            "ask the API server to reconnect after one answer in this many, so that replicas share the load and a"
                    + " swapped certificate is soon negotiated; 0: never");
    public static final Option USER_PREFIX = new Option("user-prefix", "",
            "prefix stripped from user names (e.g. oidc:); when set, users without it are no pool users");
    public static final Option GROUP_PREFIX = new Option("group-prefix", "",
            "prefix stripped from groups to get roles; when set, groups without it are no roles");
    public static final Option USER_NAME_PATTERN = new Option("user-name-pattern", IdentityPolicy.DEFAULT_USER_NAME_PATTERN,
            "regular expression pool user names (prefix stripped) must match: they are also guest login names");
    public static final Option ADMIN_GROUPS = new Option("admin-groups", AdminGroups.DEFAULT_GROUP,
            "comma-separated groups whose members may request VMs for anyone and change protected metadata");
    public static final Option TRUSTED_GROUPS = new Option("trusted-groups", String.join(",", CallerPolicy.DEFAULT_TRUSTED_GROUPS),
            "comma-separated groups not limited to starting and stopping their assigned VM (components' service accounts)");
    public static final Option DELEGATES = new Option("delegates", "",
            "service accounts that may request VMs for others: <namespace>/<name>=<ns>[;<ns>...] or =*, comma-separated");
    public static final Option VM_OPERATOR = new Option("vm-operator", "present",
            "present: only retention texts VM-Operator's manager can parse; absent: also weeks, months, years");
    public static final Option POOL_NAMESPACES = new Option("pool-namespaces", "",
            "comma-separated namespaces whose pools and VmAssignments are cached; empty for every namespace");
    public static final Option POOL_READ_TIMEOUT = new Option("pool-read-timeout", "PT1S",
            "time limit (ISO 8601) of the live read of a pool missing from the cache");

    /** Every option, in the order {@code --help} lists them. */
    public static final List<Option> OPTIONS = List.of(HOST, PORT, TLS_KEY_FILE, TLS_CERT_FILE, NAMESPACE, INSTANCE,
            REPLICA_RENEWAL, TLS_WAIT, RECYCLE_CONNECTIONS, USER_PREFIX, GROUP_PREFIX, USER_NAME_PATTERN, ADMIN_GROUPS,
            TRUSTED_GROUPS, DELEGATES, VM_OPERATOR, POOL_NAMESPACES, POOL_READ_TIMEOUT);

    public WebhookConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(callers, "callers");
        Objects.requireNonNull(retentionMode, "retentionMode");
        poolNamespaces = Set.copyOf(poolNamespaces);
        Objects.requireNonNull(poolReadTimeout, "poolReadTimeout");
    }

    /** Where the serving key and certificate chain come from. */
    public sealed interface TlsSource {
    }

    /** PEM files, reloaded when they change. */
    public record TlsFiles(Path key, Path chain) implements TlsSource {
    }

    /**
     * The Secret {@code vmpools-webhook-tls} of {@code namespace}, swapped in place when it changes; this replica
     * reports what it serves in its Lease {@code vmpools-webhook-<instance>}, renewed every {@code renewal}.
     *
     * @param startupWait how long start-up waits for a usable certificate
     */
    public record TlsSecret(String namespace, String instance, Duration renewal, Duration startupWait) implements TlsSource {
    }

    /** Every option at its default (with {@code localhost} as the instance name). */
    public static WebhookConfig defaults() {
        return from(Map.of());
    }

    /** {@link #from(Map, String)} with {@code localhost} as the instance name when none is given. */
    public static WebhookConfig from(Map<String, String> given) {
        return from(given, "localhost");
    }

    /**
     * Reads the options; absent ones take their defaults, options of other components are ignored.
     *
     * @param hostName the instance name when {@code --instance} is empty
     * @throws ConfigException for the first bad value, naming its option
     */
    public static WebhookConfig from(Map<String, String> given, String hostName) {
        Options options = Options.of(OPTIONS, given);
        String host = options.nonEmpty(HOST, "an address such as 0.0.0.0 or 127.0.0.1");
        int port = options.port(PORT);
        String namespace = options.dnsName(NAMESPACE);
        String instance = options.text(INSTANCE).isEmpty() ? hostName : options.text(INSTANCE);
        if (instance == null || !instance.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?") || instance.length() > 253 - 16) {
            throw new ConfigException(INSTANCE, String.valueOf(instance),
                    "must be a lower-case DNS name of at most 237 characters (it is part of the Lease vmpools-webhook-<instance>)");
        }
        TlsSource tls = tlsFiles(options.text(TLS_KEY_FILE), options.text(TLS_CERT_FILE)).<TlsSource>map(files -> files)
                .orElse(new TlsSecret(namespace, instance,
                        options.duration(REPLICA_RENEWAL, Duration.ofMillis(100), Duration.ofSeconds(20)),
                        options.duration(TLS_WAIT, Duration.ofSeconds(1), Duration.ofHours(1))));
        int recycle = options.integer(RECYCLE_CONNECTIONS, 0, Integer.MAX_VALUE);

        String patternText = options.text(USER_NAME_PATTERN);
        Pattern pattern;
        try {
            pattern = Pattern.compile(patternText);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(USER_NAME_PATTERN, patternText, "not a regular expression: " + e.getDescription());
        }
        IdentityPolicy identity = new IdentityPolicy(options.text(USER_PREFIX), options.text(GROUP_PREFIX), pattern);
        CallerPolicy callers = new CallerPolicy(identity, new AdminGroups(options.list(ADMIN_GROUPS)),
                options.list(TRUSTED_GROUPS), delegates(options.text(DELEGATES)));
        Map<String, RetentionMode> modes = new LinkedHashMap<>();
        modes.put("present", RetentionMode.COMPATIBLE);
        modes.put("absent", RetentionMode.VM_OPERATOR_ABSENT);
        RetentionMode mode = options.oneOf(VM_OPERATOR, modes);
        Set<String> poolNamespaces = options.dnsNames(POOL_NAMESPACES);
        // A webhook call may take at most 10 s (timeoutSeconds; the configurations say 5).
        Duration timeout = options.duration(POOL_READ_TIMEOUT, Duration.ofMillis(1), Duration.ofSeconds(10));
        return new WebhookConfig(host, port, tls, callers, mode, poolNamespaces, timeout, recycle);
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

    /** {@code gitops/deployer=team-a;team-b,ci/bot=*} (also with the full {@code system:serviceaccount:} user name). */
    private static Delegates delegates(String text) {
        List<Delegate> delegates = new ArrayList<>();
        for (String entry : text.split(",")) {
            entry = entry.strip();
            if (entry.isEmpty()) {
                continue;
            }
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
