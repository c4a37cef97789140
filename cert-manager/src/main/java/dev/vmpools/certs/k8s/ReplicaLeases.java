package dev.vmpools.certs.k8s;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.vmpools.certs.rotation.ReplicaReport;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The Leases {@code vmpools-webhook-<instance>}, one per webhook replica: each replica renews its own with
 * the serial of the certificate it serves in the annotation {@value #SERVING_SERIAL} (hexadecimal, as
 * openssl prints it), and the certificate reconciler reads them all to learn which certificate every
 * ready replica serves (DESIGN §5).
 */
public final class ReplicaLeases {

    public static final String PREFIX = "vmpools-webhook-";
    public static final String SERVING_SERIAL = "vmpools.dev/serving-serial";
    static final Map<String, String> LABELS = Map.of(
            "app.kubernetes.io/part-of", "vmpools",
            "app.kubernetes.io/component", "webhook-replica");

    private final KubernetesClient client;
    private final String namespace;

    public ReplicaLeases(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /** The result of a renewal that reached the API server. */
    public sealed interface Renewal {
        /** Written: the Lease now says {@code serial} (or no serial) as of the renewal time. */
        record Renewed(Optional<BigInteger> serial) implements Renewal {
        }

        /** Someone else wrote the Lease since it was read (another process with the same instance name?). */
        record Conflict(String message) implements Renewal {
        }
    }

    public static String leaseName(String instance) {
        return PREFIX + instance;
    }

    /**
     * Renews the Lease of {@code instance}: renewTime {@code now}, the serial it serves (none while it serves
     * nothing), creating the Lease when it is missing. Optimistic: an update carries the version it read.
     */
    public Renewal renew(String instance, Optional<BigInteger> serial, Instant now, Duration duration) {
        var name = leaseName(instance);
        var leases = client.leases().inNamespace(namespace);
        var renewTime = now.atZone(ZoneOffset.UTC);
        var existing = leases.withName(name).get();
        try {
            if (existing == null) {
                leases.resource(new LeaseBuilder()
                        .withNewMetadata()
                            .withName(name)
                            .withNamespace(namespace)
                            .withLabels(LABELS)
                            .withAnnotations(annotations(serial))
                        .endMetadata()
                        .withNewSpec()
                            .withHolderIdentity(instance)
                            .withLeaseDurationSeconds(Math.toIntExact(Math.max(1, duration.toSeconds())))
                            .withAcquireTime(renewTime)
                            .withRenewTime(renewTime)
                        .endSpec()
                        .build()).create();
            } else {
                var metadata = existing.getMetadata();
                var annotations = new java.util.LinkedHashMap<>(metadata.getAnnotations() == null
                        ? Map.<String, String>of() : metadata.getAnnotations());
                annotations.remove(SERVING_SERIAL);
                annotations.putAll(annotations(serial));
                leases.resource(new LeaseBuilder(existing)
                        .editMetadata().withAnnotations(annotations).endMetadata()
                        .editOrNewSpec()
                            .withHolderIdentity(instance)
                            .withLeaseDurationSeconds(Math.toIntExact(Math.max(1, duration.toSeconds())))
                            .withRenewTime(renewTime)
                        .endSpec()
                        .build()).update();
            }
            return new Renewal.Renewed(serial);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return new Renewal.Conflict("Lease " + namespace + "/" + name + " was written by someone else since it was read");
            }
            throw e;
        }
    }

    /** Every replica's report, by instance name. */
    public List<ReplicaReport> read() {
        return client.leases().inNamespace(namespace).list().getItems().stream()
                .map(ReplicaLeases::report)
                .flatMap(Optional::stream)
                .sorted(Comparator.comparing(ReplicaReport::instance))
                .toList();
    }

    /**
     * An informer on the Leases of the namespace; {@code onChange} runs when a replica Lease appears, goes or
     * reports another serial. Mere renewals do not count: when a silent replica stops counting as ready is
     * known in advance, and the planner asks to look again then.
     */
    public SharedIndexInformer<Lease> watch(Runnable onChange) {
        return client.leases().inNamespace(namespace).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Lease lease) {
                changed(lease);
            }

            @Override
            public void onUpdate(Lease before, Lease after) {
                if (!report(before).map(ReplicaReport::servingSerial).equals(report(after).map(ReplicaReport::servingSerial))) {
                    changed(after);
                }
            }

            @Override
            public void onDelete(Lease lease, boolean finalStateUnknown) {
                changed(lease);
            }

            private void changed(Lease lease) {
                if (lease.getMetadata().getName().startsWith(PREFIX)) {
                    onChange.run();
                }
            }
        });
    }

    /**
     * What a Lease reports, if it is a replica Lease: an annotation that is no hexadecimal number reports no
     * serial (the replica then counts as lagging); the renewal time falls back to the acquire and creation times.
     */
    public static Optional<ReplicaReport> report(Lease lease) {
        var name = lease.getMetadata().getName();
        if (!name.startsWith(PREFIX) || name.length() == PREFIX.length()) {
            return Optional.empty();
        }
        var spec = lease.getSpec();
        var renewed = Optional.ofNullable(spec == null ? null : spec.getRenewTime())
                .or(() -> Optional.ofNullable(spec == null ? null : spec.getAcquireTime()))
                .map(time -> time.toInstant())
                .or(() -> Optional.ofNullable(lease.getMetadata().getCreationTimestamp()).map(Instant::parse))
                .orElse(Instant.EPOCH);
        var annotations = lease.getMetadata().getAnnotations();
        var serial = Optional.ofNullable(annotations == null ? null : annotations.get(SERVING_SERIAL))
                .flatMap(ReplicaLeases::parseSerial);
        return Optional.of(new ReplicaReport(name.substring(PREFIX.length()), serial, renewed));
    }

    /** The serial as the annotation carries it: upper-case hexadecimal. */
    public static String formatSerial(BigInteger serial) {
        return serial.toString(16).toUpperCase(Locale.ROOT);
    }

    static Optional<BigInteger> parseSerial(String text) {
        try {
            return text.isBlank() ? Optional.empty() : Optional.of(new BigInteger(text.strip(), 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Map<String, String> annotations(Optional<BigInteger> serial) {
        return serial.map(s -> Map.of(SERVING_SERIAL, formatSerial(s))).orElse(Map.of());
    }
}
