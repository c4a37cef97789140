package dev.vmpools.certs.rotation;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * One {@code caBundle} as read back from the API server: {@code where} names the configuration and
 * webhook (e.g. {@code ValidatingWebhookConfiguration vmpools, webhook vmpools.vmpools.dev}). An empty,
 * wiped or undecodable bundle reads back as no CAs.
 */
public record BundleReadBack(String where, List<X509Certificate> cas) {

    public BundleReadBack {
        Objects.requireNonNull(where, "where");
        cas = List.copyOf(Objects.requireNonNull(cas, "cas"));
    }
}
