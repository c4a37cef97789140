package dev.vmpools.certs.renewal;

import java.util.Objects;
import java.util.Optional;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.ServingMaterial;

/**
 * Everything renewal looks at: the CA Secret ({@code vmpools-webhook-ca}) and the serving Secret
 * ({@code vmpools-webhook-tls}), each as read.
 */
public record Material(Stored<CaSet> cas, Stored<ServingMaterial> serving) {

    public static final String CA_SECRET = "vmpools-webhook-ca";
    public static final String SERVING_SECRET = "vmpools-webhook-tls";

    public Material {
        Objects.requireNonNull(cas, "cas");
        Objects.requireNonNull(serving, "serving");
    }

    public Optional<CaSet> presentCas() {
        return cas instanceof Stored.Present<CaSet> p ? Optional.of(p.value()) : Optional.empty();
    }

    public Optional<ServingMaterial> presentServing() {
        return serving instanceof Stored.Present<ServingMaterial> p ? Optional.of(p.value()) : Optional.empty();
    }
}
