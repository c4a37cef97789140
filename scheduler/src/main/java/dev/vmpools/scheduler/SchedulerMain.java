package dev.vmpools.scheduler;

import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the scheduler as a process of its own, until SIGTERM or SIGINT:
 * <pre>
 * java -cp ... dev.vmpools.scheduler.SchedulerMain [--kubeconfig=FILE] [--context=NAME] [--OPTION=VALUE ...]
 * </pre>
 * {@code --kubeconfig} and {@code --context} choose the cluster and identity (default: in-cluster, else
 * {@code $KUBECONFIG} or {@code ~/.kube/config}); every option of {@link SchedulerConfig#OPTIONS} may be given
 * as {@code --name=value} or {@code --name value}; {@code --help} lists them. The launcher's
 * {@code vmpools run scheduler} calls {@link Scheduler#start} itself; this entry serves tests that need the
 * scheduler in a process they can kill.
 */
public final class SchedulerMain {
    private static final String KUBECONFIG = "kubeconfig";
    private static final String CONTEXT = "context";

    private SchedulerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> given;
        try {
            given = parse(args);
        } catch (ConfigException e) {
            System.err.println("vmpools scheduler: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (given.containsKey("help")) {
            System.out.println(help());
            return;
        }
        SchedulerConfig config;
        try {
            config = SchedulerConfig.from(given);
        } catch (ConfigException e) {
            System.err.println("vmpools scheduler: " + e.getMessage());
            System.exit(2);
            return;
        }
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(clientConfig(given.get(KUBECONFIG), given.get(CONTEXT))).build();
        Scheduler scheduler;
        try {
            scheduler = Scheduler.start(config, client, InstantSource.system());
        } catch (IOException e) {
            System.err.println("vmpools scheduler: cannot open the health and metrics port " + config.metricsPort()
                    + ": " + e.getMessage());
            client.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.close();
            client.close();
            stopped.countDown();
        }, "vmpools-scheduler-shutdown"));
        // The health port on stdout, for a parent process that started us with --metrics-port=0.
        System.out.println("vmpools scheduler " + scheduler.identity() + " metrics-port=" + scheduler.metricsPort());
        System.out.flush();
        stopped.await();
    }

    /** {@code --name=value}, {@code --name value} and {@code --flag} (true); unknown names are an error. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("", "unexpected argument '" + arg + "': options are --name=value; see --help");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (name.equals("help")) {
                value = "true";
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            if (!name.equals(KUBECONFIG) && !name.equals(CONTEXT) && !name.equals("help")
                    && !SchedulerConfig.KEYS.contains(name)) {
                throw new ConfigException(name, "unknown option --" + name + "; see --help");
            }
            given.put(name, value);
        }
        return given;
    }

    static String help() {
        StringBuilder text = new StringBuilder("usage: SchedulerMain [--kubeconfig=FILE] [--context=NAME] [--OPTION=VALUE ...]\n");
        text.append(String.format("  --%-22s %s%n", "kubeconfig", "kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)"));
        text.append(String.format("  --%-22s %s%n", "context", "context of the kubeconfig (default: its current context)"));
        for (Option option : SchedulerConfig.OPTIONS) {
            text.append(String.format("  --%-22s %s (default: %s)%n", option.name(), option.description(),
                    option.defaultValue().isEmpty() ? "\"\"" : option.defaultValue()));
        }
        return text.toString();
    }

    private static Config clientConfig(String kubeconfig, String context) {
        if (kubeconfig == null) {
            return Config.autoConfigure(context);
        }
        return Config.fromKubeconfig(context, new File(kubeconfig));
    }
}
