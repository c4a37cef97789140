package dev.vmpools.scheduler.execution;

import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmPool;
import dev.vmpools.scheduler.assignment.Action;
import dev.vmpools.scheduler.assignment.ObjectRef;
import dev.vmpools.scheduler.cluster.ClusterView;
import dev.vmpools.scheduler.cluster.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Performs the planner's {@link Action}s on the API server: the one place that writes. Lease writes carry the
 * resourceVersion the plan read (a create fails with AlreadyExists when someone else won); VM writes are JSON
 * patches whose {@code test}s fence them; request metadata is merge-patched with the resourceVersion read;
 * statuses go through the status subresources. A failed precondition comes back as
 * {@link WriteOutcome.Contended}, never as an exception.
 */
public final class ClusterWriter {
    /** The {@code reportingController} of our Events. */
    public static final String CONTROLLER = "vmpools.dev/scheduler";

    private static final System.Logger LOG = System.getLogger(ClusterWriter.class.getName());
    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_NOTE = 1024;
    private static final long RETRY_POOL_STATUS_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
    private static final String VM_API_VERSION = VirtualMachine.GROUP + "/" + VirtualMachine.VERSION;

    private final KubernetesClient client;
    private final ClusterView view;
    private final String instance;
    private final InstantSource clock;
    private final AtomicBoolean poolStatusMissing = new AtomicBoolean();
    /** When pools were last found without a status subresource (System.nanoTime), to try again only now and then. */
    private volatile long poolStatusMissingAt;

    /**
     * @param view the caches, for the parts of a Lease the plan does not decide (labels, other owners)
     * @param instance this replica's name, the {@code reportingInstance} of its Events
     */
    public ClusterWriter(KubernetesClient client, ClusterView view, String instance, InstantSource clock) {
        this.client = client;
        this.view = view;
        this.instance = instance.length() > 128 ? instance.substring(0, 128) : instance;
        this.clock = clock;
    }

    /**
     * Performs one action in {@code namespace}.
     *
     * @param planned the version of each object the plan read
     */
    public WriteOutcome perform(String namespace, Action action, Function<ObjectKey, Optional<String>> planned) {
        try {
            return switch (action) {
                case Action.WriteLease write -> writeLease(namespace, write);
                case Action.PatchVmStatus patch -> patchVm(namespace, patch.vm(), json(patch.patch()), true, planned);
                case Action.SetDesiredState state -> patchVm(namespace, state.vm(), json(state.patch()), false,
                        planned);
                case Action.UpdateRequestMetadata update -> mergeRequestMetadata(namespace, update.request(),
                        update.resourceVersion(), update.finalizers(), update.labels(), update.annotations());
                case Action.RemoveFinalizer remove -> removeFinalizer(namespace, remove);
                case Action.WriteRequestStatus write -> writeRequestStatus(namespace, write, planned);
                case Action.WritePoolStatus write -> writePoolStatus(namespace, write, planned);
                case Action.EmitEvent event -> emit(namespace, event);
            };
        } catch (KubernetesClientException e) {
            return failure(namespace, action, e);
        } catch (RuntimeException e) {
            return new WriteOutcome.Failed(describe(namespace, action) + ": " + e, e);
        }
    }

    /**
     * Deletes a terminal request (after {@code --terminal-ttl}) if it is still the version read; its finalizer
     * then releases its VM as for any deletion. Needs {@code delete} on vmassignments.
     */
    public WriteOutcome deleteRequest(String namespace, String request, String resourceVersion) {
        try {
            client.resources(VmAssignment.class).inNamespace(namespace).withName(request)
                    .lockResourceVersion(resourceVersion).delete();
            return new WriteOutcome.Written(Optional.of(new ObjectKey(ObjectKey.Kind.REQUEST, namespace, request)),
                    Optional.of(resourceVersion), "");
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return new WriteOutcome.Contended("deletion of VmAssignment " + namespace + "/" + request
                        + ": HTTP " + e.getCode(), false);
            }
            return new WriteOutcome.Failed("deletion of terminal VmAssignment " + namespace + "/" + request
                    + " failed: HTTP " + e.getCode() + " " + e.getMessage()
                    + (e.getCode() == 403 ? " (--terminal-ttl needs the verb delete on vmassignments)" : ""), e);
        }
    }

    // ---------------------------------------------------------------- Leases

    private WriteOutcome writeLease(String namespace, Action.WriteLease write) {
        Lease lease = write.record().toModel(namespace, write.lease(), write.resourceVersion());
        var leases = client.leases().inNamespace(namespace).resource(lease);
        Lease written = write.resourceVersion().isPresent() ? leases.update() : leases.create();
        return written(ObjectKey.Kind.LEASE, namespace, write.lease(), write.resourceVersion(), written);
    }

    // ---------------------------------------------------------------- VMs

    private WriteOutcome patchVm(String namespace, String vm, String patch, boolean status,
            Function<ObjectKey, Optional<String>> planned) {
        var resource = target(VirtualMachine.class, new VirtualMachine(), namespace, vm);
        VirtualMachine written = status
                ? resource.subresource("status").patch(PatchContext.of(PatchType.JSON), patch)
                : resource.patch(PatchContext.of(PatchType.JSON), patch);
        ObjectKey key = new ObjectKey(ObjectKey.Kind.VM, namespace, vm);
        return written(key.kind(), namespace, vm, planned.apply(key), written);
    }

    // ---------------------------------------------------------------- requests

    private WriteOutcome mergeRequestMetadata(String namespace, String request, String resourceVersion,
            List<String> finalizers, Map<String, String> labels, Map<String, String> annotations) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        // A resourceVersion in a merge patch is a precondition: 409 when the request changed since it was read.
        metadata.put("resourceVersion", resourceVersion);
        metadata.put("finalizers", finalizers);
        if (!labels.isEmpty()) {
            metadata.put("labels", labels);
        }
        if (!annotations.isEmpty()) {
            metadata.put("annotations", annotations);
        }
        VmAssignment written = target(VmAssignment.class, new VmAssignment(), namespace, request)
                .patch(PatchContext.of(PatchType.JSON_MERGE), json(Map.of("metadata", metadata)));
        return written(ObjectKey.Kind.REQUEST, namespace, request, Optional.of(resourceVersion), written);
    }

    /**
     * A JSON patch that tests our finalizer is still where it was read: no resourceVersion, so the status just
     * written in the same chain does not make it fail.
     */
    private WriteOutcome removeFinalizer(String namespace, Action.RemoveFinalizer remove) {
        VmAssignment written = target(VmAssignment.class, new VmAssignment(), namespace, remove.request())
                .patch(PatchContext.of(PatchType.JSON), json(remove.patch()));
        return written(ObjectKey.Kind.REQUEST, namespace, remove.request(), Optional.of(remove.resourceVersion()),
                written);
    }

    private WriteOutcome writeRequestStatus(String namespace, Action.WriteRequestStatus write,
            Function<ObjectKey, Optional<String>> planned) {
        VmAssignment written = target(VmAssignment.class, new VmAssignment(), namespace, write.request())
                .subresource("status").patch(PatchContext.of(PatchType.JSON), replaceStatus(write.status().toModel()));
        ObjectKey key = new ObjectKey(ObjectKey.Kind.REQUEST, namespace, write.request());
        return written(key.kind(), namespace, write.request(), planned.apply(key), written);
    }

    // ---------------------------------------------------------------- pools

    private WriteOutcome writePoolStatus(String namespace, Action.WritePoolStatus write,
            Function<ObjectKey, Optional<String>> planned) {
        if (poolStatusMissing.get() && System.nanoTime() - poolStatusMissingAt < RETRY_POOL_STATUS_NANOS) {
            return new WriteOutcome.Skipped("VmPool has no status subresource (tried again once a minute)");
        }
        VmPool written;
        try {
            written = target(VmPool.class, new VmPool(), namespace, write.pool())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON), replaceStatus(write.status().toModel()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 && poolExists(namespace, write.pool())) {
                poolStatusMissingAt = System.nanoTime();
                if (poolStatusMissing.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "VmPool " + namespace + "/" + write.pool() + " has no status subresource:"
                            + " the VmPool CRD installed is not vmpools' (VM-Operator re-installs its own on upgrade)."
                            + " Pool counts and HasVMs are not written until vmpools' CRD is applied again"
                            + " (kubectl apply --server-side --force-conflicts -k manifests/crds/vmpool);"
                            + " scheduling goes on.");
                }
                return new WriteOutcome.Skipped("VmPool has no status subresource");
            }
            throw e;
        }
        if (poolStatusMissing.compareAndSet(true, false)) {
            LOG.log(Level.INFO, "VmPool status subresource is back: pool statuses are written again");
        }
        ObjectKey key = new ObjectKey(ObjectKey.Kind.POOL, namespace, write.pool());
        return written(key.kind(), namespace, write.pool(), planned.apply(key), written);
    }

    /**
     * Whether the pool exists although its status could not be found: the API server answers a request for a
     * status subresource the CRD lacks exactly as for a missing object, so only reading the pool tells them apart.
     */
    private boolean poolExists(String namespace, String pool) {
        return client.resources(VmPool.class).inNamespace(namespace).withName(pool).get() != null;
    }

    // ---------------------------------------------------------------- Events

    private WriteOutcome emit(String namespace, Action.EmitEvent event) {
        ObjectRef regarding = event.regarding();
        String note = event.message().length() > MAX_NOTE ? event.message().substring(0, MAX_NOTE - 1) + "…"
                : event.message();
        String base = regarding.name().length() > 230 ? regarding.name().substring(0, 230) : regarding.name();
        Event created = new EventBuilder()
                .withNewMetadata().withNamespace(namespace)
                .withName(base + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)).endMetadata()
                .withEventTime(new MicroTime(MICRO_TIME.format(clock.instant())))
                .withReportingController(CONTROLLER).withReportingInstance(instance)
                .withAction(actionOf(event.reason()))
                .withReason(event.reason()).withNote(note).withType(event.warning() ? "Warning" : "Normal")
                .withRegarding(new ObjectReferenceBuilder().withApiVersion(apiVersionOf(regarding.kind()))
                        .withKind(regarding.kind()).withNamespace(namespace).withName(regarding.name())
                        .withUid(regarding.uid().isEmpty() ? null : regarding.uid()).build())
                .build();
        try {
            client.events().v1().events().inNamespace(namespace).resource(created).create();
            return WriteOutcome.Written.event();
        } catch (KubernetesClientException e) {
            // Best effort: a namespace being deleted refuses new Events, and that must not stop a release.
            LOG.log(Level.DEBUG, () -> "Event " + event.reason() + " on " + regarding.kind() + " " + namespace + "/"
                    + regarding.name() + " not recorded: HTTP " + e.getCode() + " " + e.getMessage());
            return new WriteOutcome.Skipped("Event not recorded: HTTP " + e.getCode());
        }
    }

    private static String actionOf(String reason) {
        return switch (reason) {
            case "Assigned" -> "Assign";
            case "Released", "PoolNotFound", "PermissionRevoked" -> "Release";
            case "Expired", "RetentionEnded" -> "Expire";
            default -> "Plan";
        };
    }

    private static String apiVersionOf(String kind) {
        return switch (kind) {
            case VmAssignment.KIND -> VmAssignment.GROUP + "/" + VmAssignment.VERSION;
            case VmPool.KIND -> VmPool.GROUP + "/" + VmPool.VERSION;
            case VirtualMachine.KIND -> VM_API_VERSION;
            default -> "v1";
        };
    }

    // ---------------------------------------------------------------- outcomes

    /**
     * The object to patch, named by a stub: fabric8 patches a resource named with {@code withName} only after
     * reading it (one more request per write, and a 403 where the scheduler may patch but not get).
     */
    private <T extends HasMetadata> io.fabric8.kubernetes.client.dsl.Resource<T> target(Class<T> type, T stub,
            String namespace, String name) {
        stub.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace)
                .withName(name).build());
        return client.resources(type).inNamespace(namespace).resource(stub);
    }

    private String json(Object value) {
        return client.getKubernetesSerialization().asJson(value);
    }

    /** A JSON patch that makes the whole status what it should be, dropping fields that no longer apply. */
    private String replaceStatus(Object status) {
        Map<String, Object> op = new HashMap<>();
        op.put("op", "add");
        op.put("path", "/status");
        op.put("value", status);
        return json(List.of(op));
    }

    private static WriteOutcome written(ObjectKey.Kind kind, String namespace, String name, Optional<String> before,
            HasMetadata written) {
        String after = written == null || written.getMetadata() == null ? "" : written.getMetadata().getResourceVersion();
        return new WriteOutcome.Written(Optional.of(new ObjectKey(kind, namespace, name)), before,
                after == null ? "" : after);
    }

    private static WriteOutcome failure(String namespace, Action action, KubernetesClientException e) {
        String what = describe(namespace, action);
        int code = e.getCode();
        boolean fencedPatch = action instanceof Action.PatchVmStatus || action instanceof Action.RemoveFinalizer;
        if (code == 409) {
            return new WriteOutcome.Contended(what + ": conflict (" + reasonOf(e) + ")",
                    action instanceof Action.WriteLease);
        }
        if (code == 422 && fencedPatch) {
            return new WriteOutcome.Contended(what + ": the object no longer shows what was planned (test failed)",
                    false);
        }
        if (code == 404) {
            return new WriteOutcome.Contended(what + ": not found", false);
        }
        return new WriteOutcome.Failed(what + ": HTTP " + code + " " + e.getMessage(), e);
    }

    private static String reasonOf(KubernetesClientException e) {
        return e.getStatus() == null || e.getStatus().getReason() == null ? "409" : e.getStatus().getReason();
    }

    private static String describe(String namespace, Action action) {
        return switch (action) {
            case Action.WriteLease w -> w.change().name().toLowerCase(java.util.Locale.ROOT) + " Lease " + namespace
                    + "/" + w.lease();
            case Action.CommitAssignment c -> "commit of VM " + namespace + "/" + c.vm() + " to " + c.assignment().user();
            case Action.RecordLastUse r -> "last use of VM " + namespace + "/" + r.vm();
            case Action.ClearAssignment c -> "release of VM " + namespace + "/" + c.vm();
            case Action.SetDesiredState s -> "state " + s.state() + " of VM " + namespace + "/" + s.vm();
            case Action.UpdateRequestMetadata u -> "finalizer and labels of VmAssignment " + namespace + "/"
                    + u.request();
            case Action.RemoveFinalizer r -> "finalizer removal of VmAssignment " + namespace + "/" + r.request();
            case Action.WriteRequestStatus w -> "status of VmAssignment " + namespace + "/" + w.request();
            case Action.WritePoolStatus w -> "status of VmPool " + namespace + "/" + w.pool();
            case Action.EmitEvent e -> "Event " + e.reason() + " on " + e.regarding().kind() + " " + namespace + "/"
                    + e.regarding().name();
        };
    }
}
