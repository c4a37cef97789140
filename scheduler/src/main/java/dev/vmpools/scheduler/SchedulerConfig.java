package dev.vmpools.scheduler;

import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import dev.vmpools.api.config.Options;
import dev.vmpools.api.retention.RetentionMode;
import dev.vmpools.scheduler.assignment.PlannerSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The scheduler's configuration, typed and checked. {@link #from(Map)} is the one place that reads it, from
 * option names without the leading {@code --} (the launcher maps flags, environment and files to those); a bad
 * value fails with a {@link ConfigException} naming the option. {@link #OPTIONS} lists every option with its
 * default, for {@code --help}.
 *
 * @param poolNamespaces the namespaces whose pools, VMs, Leases and requests are watched; empty for every
 *     namespace (which needs the scheduler's rights cluster-wide)
 * @param namespace vmpools' own namespace, where the election Lease lives
 * @param leaderElection whether replicas elect a leader that alone plans (correctness never depends on it)
 * @param metricsPort the port of {@code /health/live}, {@code /health/ready} and {@code /metrics}; 0 for any
 *     free port
 * @param stopAfterExpiry set {@code spec.vm.state: Stopped} when an assignment expires and nobody takes the VM
 * @param terminalTtl how long terminal requests are kept before the scheduler deletes them; empty: kept
 * @param retentionMode which retention texts pools may have (as the webhook admits them)
 * @param poolNotFoundGrace how long a request for a pool the caches do not hold waits before PoolNotFound
 */
public record SchedulerConfig(Set<String> poolNamespaces, String namespace, boolean leaderElection, int metricsPort,
        boolean stopAfterExpiry, Optional<Duration> terminalTtl, RetentionMode retentionMode,
        Duration poolNotFoundGrace) {

    public static final Option POOL_NAMESPACES = new Option("pool-namespaces", "",
            "comma-separated namespaces whose pools, VMs and VmAssignments are scheduled; empty for every namespace");
    public static final Option NAMESPACE = new Option("namespace", "vmpools-system",
            "vmpools' own namespace, home of the election Lease vmpools-scheduler");
    public static final Option LEADER_ELECTION = new Option("leader-election", "true",
            "true: replicas elect a leader that alone plans; false: every replica plans (still safe, more conflicts)");
    public static final Option METRICS_PORT = new Option("metrics-port", "8080",
            "HTTP port of /health/live, /health/ready and /metrics (0 for any free port)");
    public static final Option STOP_AFTER_EXPIRY = new Option("stop-after-expiry", "false",
            "true: stop a VM whose assignment expired unless someone else takes it over");
    public static final Option TERMINAL_TTL = new Option("terminal-ttl", "",
            "ISO 8601 duration after which terminal VmAssignments (Expired, PoolNotFound, ...) are deleted; empty: kept");
    public static final Option VM_OPERATOR = new Option("vm-operator", "present",
            "present: only retention texts VM-Operator's manager can parse; absent: also weeks, months, years");
    public static final Option POOL_NOT_FOUND_GRACE = new Option("pool-not-found-grace", "PT10S",
            "how long (ISO 8601) a request for a pool not seen yet waits before it ends with PoolNotFound");

    /** Every option, in the order {@code --help} lists them. */
    public static final List<Option> OPTIONS = List.of(POOL_NAMESPACES, NAMESPACE, LEADER_ELECTION, METRICS_PORT,
            STOP_AFTER_EXPIRY, TERMINAL_TTL, VM_OPERATOR, POOL_NOT_FOUND_GRACE);

    /** The option names, for launchers that check what they were given. */
    public static final List<String> KEYS = OPTIONS.stream().map(Option::name).toList();

    public SchedulerConfig {
        poolNamespaces = Set.copyOf(poolNamespaces);
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(terminalTtl, "terminalTtl");
        Objects.requireNonNull(retentionMode, "retentionMode");
        Objects.requireNonNull(poolNotFoundGrace, "poolNotFoundGrace");
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("metricsPort must be 0..65535, got " + metricsPort);
        }
    }

    /** Every option at its default. */
    public static SchedulerConfig defaults() {
        return from(Map.of());
    }

    /**
     * Reads the options; absent ones take their defaults, options of other components are ignored.
     *
     * @throws ConfigException for the first bad value, naming its option
     */
    public static SchedulerConfig from(Map<String, String> given) {
        Options options = Options.of(OPTIONS, given);
        Set<String> poolNamespaces = options.dnsNames(POOL_NAMESPACES);
        String namespace = options.dnsName(NAMESPACE);
        boolean election = options.bool(LEADER_ELECTION);
        int port = options.port(METRICS_PORT);
        boolean stop = options.bool(STOP_AFTER_EXPIRY);
        Optional<Duration> ttl = options.text(TERMINAL_TTL).isEmpty()
                ? Optional.empty()
                : Optional.of(options.duration(TERMINAL_TTL, Duration.ofSeconds(1), Duration.ofDays(36_500)));
        Map<String, RetentionMode> modes = new LinkedHashMap<>();
        modes.put("present", RetentionMode.COMPATIBLE);
        modes.put("absent", RetentionMode.VM_OPERATOR_ABSENT);
        RetentionMode mode = options.oneOf(VM_OPERATOR, modes);
        Duration grace = options.duration(POOL_NOT_FOUND_GRACE, Duration.ZERO, Duration.ofHours(1));
        return new SchedulerConfig(poolNamespaces, namespace, election, port, stop, ttl, mode, grace);
    }

    /** The planner's part of the configuration. */
    public PlannerSettings plannerSettings() {
        return new PlannerSettings(stopAfterExpiry, poolNotFoundGrace);
    }
}
