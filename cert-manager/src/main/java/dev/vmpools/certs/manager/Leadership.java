package dev.vmpools.certs.manager;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.vmpools.api.election.LeaseUpdateLock;
import dev.vmpools.certs.CertsConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;

/**
 * The election on the Lease {@code vmpools-certs} (fabric8 {@code LeaderElector}, with a {@link LeaseUpdateLock}): {@code onStart} runs when
 * this instance becomes leader, {@code onStop} when it stops being one (lost renewal, or {@link #close()},
 * which releases the Lease so that another instance takes over at once). A fabric8 elector ends with its
 * leadership; this one enters the election again until closed.
 */
public final class Leadership implements AutoCloseable {

    public static final String LEASE = "vmpools-certs";

    private static final System.Logger LOG = System.getLogger(Leadership.class.getName());

    private final KubernetesClient client;
    private final CertsConfig config;
    private final Runnable onStart;
    private final Runnable onStop;
    private final AtomicBoolean leading = new AtomicBoolean();
    private final ExecutorService executor = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("certs-election-", 0).factory());
    private volatile boolean closed;
    private CompletableFuture<?> election;

    public Leadership(KubernetesClient client, CertsConfig config, Runnable onStart, Runnable onStop) {
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.onStart = Objects.requireNonNull(onStart, "onStart");
        this.onStop = Objects.requireNonNull(onStop, "onStop");
    }

    public synchronized void start() {
        if (closed || election != null) {
            return;
        }
        enter();
    }

    public boolean leading() {
        return leading.get();
    }

    @Override
    public void close() {
        CompletableFuture<?> running;
        synchronized (this) {
            closed = true;
            running = election;
        }
        if (running != null) {
            // Cancelling releases the Lease (releaseOnCancel) and calls onStopLeading.
            running.cancel(true);
        }
        stopped();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void enter() {
        var election = config.election();
        var elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName("vmpools certificates")
                .withLock(new LeaseUpdateLock(config.namespace(), LEASE, config.instance()))
                .withLeaseDuration(election.leaseDuration())
                .withRenewDeadline(election.renewDeadline())
                .withRetryPeriod(election.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::started, this::stopped,
                        leader -> LOG.log(Level.INFO, () -> "certificate leader is now " + (leader == null ? "nobody" : leader) + " (this instance: "
                                + config.instance() + ")")))
                .build(), executor);
        this.election = elector.start();
        this.election.whenComplete((result, failure) -> {
            stopped();
            synchronized (this) {
                this.election = null;
                if (!closed) {
                    LOG.log(Level.INFO, () -> config.instance() + " lost the Lease " + LEASE + "; entering the election again");
                    enter();
                }
            }
        });
    }

    // fabric8 may call either callback twice: both are idempotent.
    private void started() {
        if (leading.compareAndSet(false, true)) {
            LOG.log(Level.INFO, () -> config.instance() + " leads the certificates (Lease " + config.namespace() + "/" + LEASE + ")");
            onStart.run();
        }
    }

    private void stopped() {
        if (leading.compareAndSet(true, false)) {
            LOG.log(Level.INFO, () -> config.instance() + " no longer leads the certificates");
            onStop.run();
        }
    }
}
