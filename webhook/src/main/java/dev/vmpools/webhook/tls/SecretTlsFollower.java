package dev.vmpools.webhook.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.replica.ServingFollower;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.webhook.http.ReadinessCheck;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Serves the certificate of the Secret {@code vmpools-webhook-tls} (written by the certificate component,
 * or by cert-manager.io) and keeps serving it as it changes: every usable version goes to the
 * {@link TlsReloader} (Helidon {@code reloadTls}, no restart), the replica's Lease
 * {@code vmpools-webhook-<instance>} reports the serial served, and {@link #readiness()} passes only while
 * the served chain verifies against the {@code caBundle} of every webhook of both configurations.
 *
 * <p>Start it before the server, take the server's first TLS from {@link #awaitFirst(Duration)}, then hand
 * it the server's reloader with {@link #serveWith(TlsReloader)}.
 */
public final class SecretTlsFollower implements AutoCloseable {

    public static final String READINESS = "ca-bundle";

    private final ServingFollower follower;
    private volatile TlsReloader reloader;

    private SecretTlsFollower(KubernetesClient client, String namespace, String instance, Duration renewEvery,
            InstantSource clock) {
        this.follower = new ServingFollower(client, namespace, instance, renewEvery, clock, this::serve);
    }

    /** Starts watching the Secret and the configurations in {@code namespace} as replica {@code instance}. */
    public static SecretTlsFollower start(KubernetesClient client, String namespace, String instance, Duration renewEvery,
            InstantSource clock) {
        var follower = new SecretTlsFollower(client, namespace, instance, renewEvery, clock);
        follower.follower.start();
        return follower;
    }

    /** The first usable material of the Secret, waiting at most {@code timeout} for it to exist. */
    public TlsMaterial awaitFirst(Duration timeout) throws TlsMaterialException {
        try {
            return tls(follower.firstUsable().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new TlsMaterialException("no usable certificate in Secret " + Material.SERVING_SECRET + " within " + timeout
                    + ": is the certificate component (or cert-manager) running, and may this account read the Secret?", e);
        } catch (ExecutionException e) {
            throw new TlsMaterialException("watching Secret " + Material.SERVING_SECRET + " failed: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TlsMaterialException("interrupted while waiting for Secret " + Material.SERVING_SECRET, e);
        }
    }

    /** From now on, every usable version of the Secret is swapped into {@code reloader}. */
    public void serveWith(TlsReloader reloader) {
        this.reloader = Objects.requireNonNull(reloader, "reloader");
        follower.resync();
    }

    /** Ready while the served chain verifies against every configured caBundle. */
    public ReadinessCheck readiness() {
        return new ReadinessCheck(READINESS, () -> follower.notReady().isEmpty());
    }

    /** Why the replica is not ready, if it is not (for logs and tests). */
    public Optional<String> notReady() {
        return follower.notReady();
    }

    /** The certificate served, as far as this follower handed it over. */
    public Optional<ServingCertificate> served() {
        return servedLeaf().map(ServingCertificate::of);
    }

    /** The X.509 certificate served, as far as this follower handed it over. */
    public Optional<X509Certificate> servedLeaf() {
        return follower.served().map(ServingMaterial::leaf);
    }

    @Override
    public void close() {
        follower.close();
    }

    private boolean serve(ServingMaterial material) {
        var server = reloader;
        if (server == null) {
            return false;
        }
        server.offer(tls(material));
        return true;
    }

    private static TlsMaterial tls(ServingMaterial material) {
        return new TlsMaterial(material.key(), material.chain());
    }
}
