package dev.vmpools.scheduler;

import dev.vmpools.api.config.CommandLine;
import dev.vmpools.api.config.ConfigException;
import dev.vmpools.api.config.Option;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

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
    private static final Option KUBECONFIG = new Option("kubeconfig", "",
            "kubeconfig file; empty: in-cluster, else $KUBECONFIG or ~/.kube/config");
    private static final Option CONTEXT = new Option("context", "", "kubeconfig context; empty: its current context");
    static final List<Option> OPTIONS = Stream.concat(Stream.of(KUBECONFIG, CONTEXT),
            SchedulerConfig.OPTIONS.stream()).toList();

    private SchedulerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> given;
        try {
            CommandLine line = CommandLine.parse(List.of(args), System.getenv(), OPTIONS);
            if (line.helpRequested()) {
                System.out.print(CommandLine.help("usage: SchedulerMain [options]", OPTIONS));
                return;
            }
            given = line.values();
        } catch (ConfigException e) {
            System.err.println("vmpools scheduler: " + e.getMessage());
            System.exit(2);
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
                .withConfig(clientConfig(given.get(KUBECONFIG.name()), given.get(CONTEXT.name()))).build();
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

    private static Config clientConfig(String kubeconfig, String context) {
        String chosenContext = context == null || context.isEmpty() ? null : context;
        if (kubeconfig == null || kubeconfig.isEmpty()) {
            return Config.autoConfigure(chosenContext);
        }
        return Config.fromKubeconfig(chosenContext, new File(kubeconfig));
    }
}
