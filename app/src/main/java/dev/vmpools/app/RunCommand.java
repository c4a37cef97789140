package dev.vmpools.app;

import dev.vmpools.api.config.CommandLine;
import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import dev.vmpools.api.config.Options;
import dev.vmpools.certs.CertsConfig;
import dev.vmpools.certs.manager.CertificateComponent;
import dev.vmpools.scheduler.Scheduler;
import dev.vmpools.scheduler.SchedulerConfig;
import dev.vmpools.scheduler.observability.HealthServer;
import dev.vmpools.webhook.Webhook;
import dev.vmpools.webhook.WebhookConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;

/**
 * {@code vmpools run <webhook|scheduler|certs|all> [options]}: starts components against a cluster
 * (in-cluster, {@code --kubeconfig}, or {@code $KUBECONFIG}/~/.kube/config) and runs until SIGTERM.
 * The webhook runs the built-in certificate component in the same process unless
 * {@code --certificates=cert-manager}; {@code certs} runs it alone.
 */
final class RunCommand {
    static final Option KUBECONFIG = new Option("kubeconfig", "",
            "kubeconfig file; empty: in-cluster, else $KUBECONFIG or ~/.kube/config");
    static final Option CONTEXT = new Option("context", "", "kubeconfig context; empty: its current context");
    static final Option LOG_FORMAT = new Option("log-format", "text", "text or json, one line per record on standard error");
    static final Option LOG_LEVEL = new Option("log-level", "INFO", "SEVERE, WARNING, INFO, FINE or FINEST");
    static final List<Option> COMMON = List.of(KUBECONFIG, CONTEXT, LOG_FORMAT, LOG_LEVEL);
    private static final List<String> COMPONENTS = List.of("webhook", "scheduler", "certs", "all");

    private RunCommand() {
    }

    static int run(List<String> args, Map<String, String> environment) throws Exception {
        if (args.isEmpty() || !COMPONENTS.contains(args.getFirst())) {
            System.err.println(usage());
            return args.isEmpty() || args.getFirst().equals("--help") ? 0 : 2;
        }
        String component = args.getFirst();
        List<Option> declared = options(component);
        Map<String, String> values;
        try {
            CommandLine line = CommandLine.parse(args.subList(1, args.size()), environment, declared);
            if (line.helpRequested()) {
                System.out.print(CommandLine.help("usage: vmpools run " + component + " [options]", declared));
                return 0;
            }
            values = line.values();
            Options common = Options.of(COMMON, values);
            LogFormat.install(common.oneOf(LOG_FORMAT, Map.of("text", false, "json", true)), level(common));
        } catch (ConfigException e) {
            System.err.println("vmpools run " + component + ": " + e.getMessage());
            return 2;
        }
        String hostName = hostName(environment);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig(Options.of(COMMON, values))).build();
        List<AutoCloseable> running = new ArrayList<>();
        try {
            start(component, values, hostName, client, running);
        } catch (ConfigException e) {
            System.err.println("vmpools run " + component + ": " + e.getMessage());
            stop(running, client);
            return 2;
        } catch (Exception e) {
            System.err.println("vmpools run " + component + ": cannot start: " + e);
            stop(running, client);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(running, client);
            stopped.countDown();
        }, "vmpools-stop"));
        stopped.await();
        return 0;
    }

    /** The options of a component (and of the ones it runs with), each name once. */
    static List<Option> options(String component) {
        Map<String, Option> byName = new LinkedHashMap<>();
        List<List<Option>> groups = new ArrayList<>(List.of(COMMON));
        if (component.equals("webhook") || component.equals("all")) {
            groups.add(WebhookConfig.OPTIONS);
        }
        if (!component.equals("scheduler")) {
            groups.add(CertsConfig.OPTIONS);
        }
        if (component.equals("scheduler") || component.equals("all") || component.equals("certs")) {
            groups.add(SchedulerConfig.OPTIONS.stream()
                    .filter(o -> component.equals("certs") ? o.name().equals(SchedulerConfig.METRICS_PORT.name()) : true).toList());
        }
        for (List<Option> group : groups) {
            for (Option option : group) {
                Option earlier = byName.putIfAbsent(option.name(), option);
                if (earlier != null && !earlier.defaultValue().equals(option.defaultValue())) {
                    throw new IllegalStateException("option --" + option.name() + " has two defaults: "
                            + earlier.defaultValue() + " and " + option.defaultValue());
                }
            }
        }
        return List.copyOf(byName.values());
    }

    private static void start(String component, Map<String, String> values, String hostName, KubernetesClient client,
            List<AutoCloseable> running) throws Exception {
        CertsConfig certs = CertsConfig.from(values, hostName);
        boolean builtinCertificates = certs.issuer() == CertsConfig.Issuer.BUILTIN;
        if (component.equals("webhook") || component.equals("all")) {
            WebhookConfig webhookConfig = WebhookConfig.from(values, hostName);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            if (builtinCertificates) {
                // Before the webhook: on a first install it creates the Secret the webhook waits for.
                running.add(CertificateComponent.start(certs, client, registry, InstantSource.system()));
            }
            running.add(Webhook.start(webhookConfig, client, registry));
        }
        if (component.equals("certs")) {
            if (!builtinCertificates) {
                throw new ConfigException(CertsConfig.CERTIFICATES, "cert-manager",
                        "cert-manager.io issues the certificates then: do not run the built-in component");
            }
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            CertificateComponent certificates = CertificateComponent.start(certs, client, registry, InstantSource.system());
            running.add(certificates);
            int port = Options.of(List.of(SchedulerConfig.METRICS_PORT), values).port(SchedulerConfig.METRICS_PORT);
            running.add(HealthServer.start(port, () -> true, () -> true, registry));
        }
        if (component.equals("scheduler") || component.equals("all")) {
            running.add(Scheduler.start(SchedulerConfig.from(values), client, InstantSource.system()));
        }
    }

    private static void stop(List<AutoCloseable> running, KubernetesClient client) {
        for (AutoCloseable component : running.reversed()) {
            try {
                component.close();
            } catch (Exception e) {
                System.getLogger(RunCommand.class.getName()).log(System.Logger.Level.WARNING, "stopping " + component, e);
            }
        }
        running.clear();
        client.close();
    }

    private static Config clientConfig(Options common) {
        String kubeconfig = common.text(KUBECONFIG);
        String context = common.text(CONTEXT);
        if (kubeconfig.isEmpty()) {
            return context.isEmpty() ? Config.autoConfigure(null) : Config.autoConfigure(context);
        }
        try {
            Config config = Config.fromKubeconfig(context.isEmpty() ? null : context,
                    java.nio.file.Files.readString(java.nio.file.Path.of(kubeconfig)), kubeconfig);
            return config;
        } catch (java.io.IOException e) {
            throw new ConfigException(KUBECONFIG, kubeconfig, "cannot read it: " + e.getMessage());
        }
    }

    private static Level level(Options common) {
        String value = common.text(LOG_LEVEL);
        try {
            return Level.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(LOG_LEVEL, value, "must be SEVERE, WARNING, INFO, FINE or FINEST");
        }
    }

    /** The replica's name: the pod's (POD_NAME, HOSTNAME), else the machine's. */
    private static String hostName(Map<String, String> environment) {
        for (String variable : List.of("POD_NAME", "HOSTNAME")) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    static String usage() {
        return """
                usage: vmpools run <component> [options]
                  webhook     the admission webhook (with the built-in certificate component unless --certificates=cert-manager)
                  scheduler   the lease-based scheduler
                  certs       the built-in certificate component alone
                  all         all of them in one process
                vmpools run <component> --help lists its options with their defaults.""";
    }
}
