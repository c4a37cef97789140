package dev.vmpools.webhook.http;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One condition for {@code /health/ready}, such as "tls" (a valid certificate is served) or "caches"
 * (the informers have synced). A check that throws counts as not ready.
 */
public record ReadinessCheck(String name, BooleanSupplier ready) {
    public ReadinessCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ready, "ready");
    }
}
