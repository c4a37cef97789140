package dev.vmpools.certs.k8s;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import dev.vmpools.certs.pki.CaSet;
import dev.vmpools.certs.pki.Pem;
import dev.vmpools.certs.pki.PemOutcome;
import dev.vmpools.certs.pki.ServingMaterial;
import dev.vmpools.certs.renewal.Material;
import dev.vmpools.certs.renewal.Stored;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * The CA Secret {@code vmpools-webhook-ca} and the serving Secret {@code vmpools-webhook-tls}, both of type
 * {@code kubernetes.io/tls} with {@code tls.key}, {@code tls.crt} and {@code ca.crt}.
 *
 * <p>Reads never fail on content: a Secret that does not decode is {@link Stored.Unreadable}, naming the data
 * key. Writes are optimistic: they create when nothing was read and otherwise update with the
 * resourceVersion that was read, so a concurrent writer's change is never overwritten; a 409 is
 * {@link WriteOutcome.Conflict}, to be answered by reading again. Other API errors are infrastructure
 * failures and propagate as exceptions.
 */
public final class SecretStore {

    public static final String TLS_TYPE = "kubernetes.io/tls";
    static final Map<String, String> LABELS = Map.of(
            "app.kubernetes.io/part-of", "vmpools",
            "app.kubernetes.io/managed-by", "vmpools-certs");

    private final KubernetesClient client;
    private final String namespace;

    public SecretStore(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /** A Secret as read: its decoded content, and the resourceVersion to write back against (none if absent). */
    public record Read<T>(Stored<T> stored, Optional<String> resourceVersion) {
        public Read {
            Objects.requireNonNull(stored, "stored");
            Objects.requireNonNull(resourceVersion, "resourceVersion");
        }
    }

    /** The result of a write that reached the API server. */
    public sealed interface WriteOutcome {
        /** Written; {@code resourceVersion} is the Secret's new version. */
        record Written(String resourceVersion) implements WriteOutcome {
        }

        /** Someone else created or changed the Secret since it was read: read again. */
        record Conflict(String message) implements WriteOutcome {
        }

        /** The API server refused the content (e.g. the existing Secret has another, immutable, type). */
        record Rejected(String message) implements WriteOutcome {
        }
    }

    public Read<CaSet> readCas() {
        return read(Material.CA_SECRET, data -> CaSet.decode(data.get("tls.key"), data.get("tls.crt"), data.get("ca.crt")));
    }

    public Read<ServingMaterial> readServing() {
        return read(Material.SERVING_SECRET,
                data -> ServingMaterial.decode(data.get("tls.key"), data.get("tls.crt"), data.get("ca.crt")));
    }

    /** Writes the CA Secret: the current CA's key and certificate, and every trusted CA certificate in {@code ca.crt}. */
    public WriteOutcome writeCas(CaSet cas, Optional<String> resourceVersion) {
        return write(Material.CA_SECRET, Pem.encodePrivateKey(cas.current().key()),
                Pem.encodeCertificate(cas.current().certificate()), Pem.encodeCertificates(cas.trusted()), resourceVersion);
    }

    /** Writes the serving Secret: key, chain, and the CA certificates clients trust in {@code ca.crt}. */
    public WriteOutcome writeServing(ServingMaterial material, Optional<String> resourceVersion) {
        return write(Material.SERVING_SECRET, Pem.encodePrivateKey(material.key()),
                Pem.encodeCertificates(material.chain()), Pem.encodeCertificates(material.caCertificates()), resourceVersion);
    }

    private <T> Read<T> read(String name, Function<Map<String, String>, PemOutcome<T>> decode) {
        var secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret == null) {
            return new Read<>(Stored.absent(name), Optional.empty());
        }
        var version = Optional.ofNullable(secret.getMetadata().getResourceVersion());
        if (!TLS_TYPE.equals(secret.getType())) {
            return new Read<>(new Stored.Unreadable<>(name, "type is " + secret.getType() + ", expected " + TLS_TYPE),
                    version);
        }
        return new Read<>(Stored.decoded(name, decode.apply(text(secret))), version);
    }

    private WriteOutcome write(String name, String key, String certificates, String caCertificates,
            Optional<String> resourceVersion) {
        var data = new LinkedHashMap<String, String>();
        data.put("tls.key", base64(key));
        data.put("tls.crt", base64(certificates));
        data.put("ca.crt", base64(caCertificates));
        var secret = new SecretBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(LABELS)
                    .withResourceVersion(resourceVersion.orElse(null))
                .endMetadata()
                .withType(TLS_TYPE)
                .withData(data)
                .build();
        var secrets = client.secrets().inNamespace(namespace).resource(secret);
        try {
            var written = resourceVersion.isPresent() ? secrets.update() : secrets.create();
            return new WriteOutcome.Written(written.getMetadata().getResourceVersion());
        } catch (KubernetesClientException e) {
            return switch (e.getCode()) {
                case 409 -> new WriteOutcome.Conflict("Secret " + namespace + "/" + name + (resourceVersion.isPresent()
                        ? " changed since resourceVersion " + resourceVersion.get() + " was read"
                        : " was created by someone else since it was found missing"));
                case 422 -> new WriteOutcome.Rejected("Secret " + namespace + "/" + name + " cannot be written: "
                        + reason(e) + " (if its type is not " + TLS_TYPE + ", delete it so that it is recreated)");
                default -> throw e;
            };
        }
    }

    private static Map<String, String> text(Secret secret) {
        var text = new LinkedHashMap<String, String>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> text.put(key,
                    new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            text.putAll(secret.getStringData());
        }
        return text;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String reason(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
