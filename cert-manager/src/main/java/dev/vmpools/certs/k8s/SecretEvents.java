package dev.vmpools.certs.k8s;

import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes Events on the certificate Secrets, so that {@code kubectl describe secret} and
 * {@code kubectl get events} show what the component did to them and why: a Warning when a Secret could
 * not be used as found (tampered, half-written, of the wrong type), a Normal Event for every write.
 *
 * <p>An Event that cannot be recorded (no RBAC, API server busy) is logged once and otherwise ignored: the
 * Secrets matter, the Events only tell about them.
 */
public final class SecretEvents {

    public static final String COMPONENT = "vmpools-certs";
    private static final int MAX_MESSAGE = 1024;
    private static final System.Logger LOG = System.getLogger(SecretEvents.class.getName());

    private final KubernetesClient client;
    private final String namespace;
    private final String instance;
    private final InstantSource clock;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    public SecretEvents(KubernetesClient client, String namespace, String instance, InstantSource clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.instance = Objects.requireNonNull(instance, "instance");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void warning(String secret, String reason, String message) {
        record("Warning", secret, reason, message);
    }

    public void normal(String secret, String reason, String message) {
        record("Normal", secret, reason, message);
    }

    private void record(String type, String secret, String reason, String message) {
        var now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            var found = client.secrets().inNamespace(namespace).withName(secret).get();
            var event = new EventBuilder()
                    .withNewMetadata()
                        .withGenerateName(secret + ".")
                        .withNamespace(namespace)
                    .endMetadata()
                    .withNewInvolvedObject()
                        .withApiVersion("v1")
                        .withKind("Secret")
                        .withNamespace(namespace)
                        .withName(secret)
                        .withUid(found == null ? null : found.getMetadata().getUid())
                        .withResourceVersion(found == null ? null : found.getMetadata().getResourceVersion())
                    .endInvolvedObject()
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .withReportingInstance(instance)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .build();
            client.v1().events().inNamespace(namespace).resource(event).create();
            failureLogged.set(false);
        } catch (KubernetesClientException e) {
            if (failureLogged.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, "cannot record Events on Secrets in " + namespace + " (" + e.getCode() + " "
                        + e.getMessage() + "); " + (e.getCode() == 403 ? "grant create on events there; " : "")
                        + "the log keeps telling what happens to the Secrets");
            }
        }
    }
}
