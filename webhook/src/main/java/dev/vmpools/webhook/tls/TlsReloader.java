package dev.vmpools.webhook.tls;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.function.Consumer;

import io.helidon.common.tls.Tls;

/**
 * Swaps the served certificate in place ({@code WebServer#reloadTls}): new connections get the new
 * certificate, open keep-alive connections carry on with the one they negotiated.
 */
public final class TlsReloader {

    private static final System.Logger LOG = System.getLogger(TlsReloader.class.getName());

    private final Consumer<Tls> server;
    private volatile TlsMaterial serving;

    /**
     * @param initial the material the server was started with
     * @param server  where new TLS goes, normally {@code webServer::reloadTls}
     */
    public TlsReloader(TlsMaterial initial, Consumer<Tls> server) {
        this.serving = Objects.requireNonNull(initial, "initial");
        this.server = Objects.requireNonNull(server, "server");
    }

    /**
     * Serves {@code next} from now on unless it is what is already served.
     *
     * @return true when the certificate was swapped
     */
    public synchronized boolean offer(TlsMaterial next) {
        if (next.sameAs(serving)) {
            return false;
        }
        ServingCertificate previous = serving.certificate();
        server.accept(next.tls());
        serving = next;
        LOG.log(Level.INFO, () -> "now serving certificate " + next.certificate() + "; before: " + previous);
        return true;
    }

    public ServingCertificate serving() {
        return serving.certificate();
    }
}
