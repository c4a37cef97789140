package dev.vmpools.scheduler.leader;

import dev.vmpools.api.election.LeaseUpdateLock;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Leader election among scheduler replicas on the Lease {@code vmpools-scheduler} in vmpools' namespace, with
 * fabric8's {@code LeaderElector}. Only the leader plans, which saves conflicts; correctness never depends on it,
 * because every write is fenced by its own Lease or JSON-patch test (DESIGN §4.4). A replica that loses the
 * lead stops planning and stands for election again.
 */
public final class Leadership implements AutoCloseable {
    /** The election Lease. */
    public static final String LEASE_NAME = "vmpools-scheduler";

    private static final System.Logger LOG = System.getLogger(Leadership.class.getName());

    private final KubernetesClient client;
    private final LeaderElectionConfig config;
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    private Leadership(KubernetesClient client, String namespace, String identity, Consumer<Boolean> onChange) {
        this.client = client;
        this.config = new LeaderElectionConfigBuilder()
                .withName(LEASE_NAME)
                .withLock(new LeaseUpdateLock(namespace, LEASE_NAME, identity))
                .withLeaseDuration(Duration.ofSeconds(15))
                .withRenewDeadline(Duration.ofSeconds(10))
                .withRetryPeriod(Duration.ofSeconds(2))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leading = true;
                            LOG.log(Level.INFO, identity + " leads the schedulers: planning");
                            onChange.accept(true);
                        },
                        () -> {
                            leading = false;
                            LOG.log(Level.INFO, identity + " no longer leads the schedulers: planning stops");
                            onChange.accept(false);
                        },
                        leader -> LOG.log(Level.INFO, () -> "scheduler leader: " + leader)))
                .build();
    }

    /**
     * Stands for election.
     *
     * @param onChange told true when this replica starts leading, false when it stops
     */
    public static Leadership start(KubernetesClient client, String namespace, String identity,
            Consumer<Boolean> onChange) {
        Leadership leadership = new Leadership(client, namespace, identity, onChange);
        leadership.run();
        return leadership;
    }

    private synchronized void run() {
        if (closed) {
            return;
        }
        running = client.leaderElector().withConfig(config).build().start();
        // The elector ends when the lead is lost; stand again after a retry period.
        running.whenCompleteAsync((ignored, error) -> {
            if (!closed) {
                run();
            }
        }, CompletableFuture.delayedExecutor(config.getRetryPeriod().toMillis(), TimeUnit.MILLISECONDS));
    }

    public boolean leading() {
        return leading;
    }

    /** Gives the lead up (the Lease is released for the next replica). */
    @Override
    public synchronized void close() {
        closed = true;
        if (running != null) {
            running.cancel(true);
        }
    }
}
