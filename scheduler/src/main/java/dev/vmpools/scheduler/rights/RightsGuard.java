package dev.vmpools.scheduler.rights;

import dev.vmpools.api.MetadataKeys;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Keeps the scheduler's rights in a pool namespace alive for as long as it needs them. They come from the
 * RoleBinding {@code vmpools-scheduler} in that namespace ({@code manifests/pool-namespace}); when the namespace
 * is deleted, its RoleBindings go in the same sweep as its VmAssignments, often first, and the scheduler could
 * no longer release the VMs and remove its finalizers: the namespace would hang in Terminating. So while any
 * VmAssignment exists in the namespace the RoleBinding carries the finalizer {@code vmpools.dev/release}; when the
 * last one is gone, the finalizer goes, and the RoleBinding (if being deleted) with it.
 *
 * <p>Needs {@code get, list, watch, patch} on {@code rolebindings} named {@code vmpools-scheduler} in the pool
 * namespaces; without them it logs once per namespace and does nothing else.
 */
public final class RightsGuard implements AutoCloseable {
    /** The RoleBinding that gives the scheduler its rights in a pool namespace. */
    public static final String ROLE_BINDING = "vmpools-scheduler";

    private static final System.Logger LOG = System.getLogger(RightsGuard.class.getName());

    private final KubernetesClient client;
    private final BooleanSupplier ready;
    private final Predicate<String> hasRequests;
    private final Map<String, SharedIndexInformer<RoleBinding>> informers = new LinkedHashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Thread worker;
    private volatile boolean closed;

    private RightsGuard(KubernetesClient client, BooleanSupplier ready, Predicate<String> hasRequests) {
        this.client = client;
        this.ready = ready;
        this.hasRequests = hasRequests;
        this.worker = Thread.ofVirtual().name("vmpools-scheduler-rights-guard").unstarted(this::work);
    }

    /**
     * Guards the RoleBinding in each namespace.
     *
     * @param ready whether the caches have synced: nothing is decided before (call {@link #touchAll()} then)
     * @param hasRequests whether the caches hold any VmAssignment in a namespace
     */
    public static RightsGuard start(KubernetesClient client, Set<String> namespaces, BooleanSupplier ready,
            Predicate<String> hasRequests) {
        RightsGuard guard = new RightsGuard(client, ready, hasRequests);
        for (String namespace : namespaces.stream().sorted().toList()) {
            SharedIndexInformer<RoleBinding> informer = client.rbac().roleBindings().inNamespace(namespace)
                    .withField("metadata.name", ROLE_BINDING).runnableInformer(0);
            informer.addEventHandler(new ResourceEventHandler<RoleBinding>() {
                @Override
                public void onAdd(RoleBinding binding) {
                    guard.touched(namespace);
                }

                @Override
                public void onUpdate(RoleBinding before, RoleBinding after) {
                    guard.touched(namespace);
                }

                @Override
                public void onDelete(RoleBinding binding, boolean unknown) {
                }
            });
            informer.exceptionHandler((started, error) -> {
                for (Throwable t = error; t != null; t = t.getCause()) {
                    if (t instanceof KubernetesClientException e && e.getCode() == 403) {
                        guard.refusedIn(namespace, "watching");
                        return false;
                    }
                }
                return true;
            });
            informer.start();
            guard.informers.put(namespace, informer);
        }
        guard.worker.start();
        return guard;
    }

    /** Checks every guarded namespace. */
    public void touchAll() {
        informers.keySet().forEach(this::touched);
    }

    /** Something changed in the namespace: check the finalizer there. */
    public void touched(String namespace) {
        if (!informers.containsKey(namespace)) {
            return;
        }
        synchronized (dirty) {
            if (dirty.add(namespace)) {
                dirty.notifyAll();
            }
        }
    }

    private void work() {
        while (!closed) {
            String namespace;
            synchronized (dirty) {
                while (dirty.isEmpty() && !closed) {
                    try {
                        dirty.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                namespace = dirty.iterator().next();
                dirty.remove(namespace);
            }
            check(namespace);
        }
    }

    private void check(String namespace) {
        SharedIndexInformer<RoleBinding> informer = informers.get(namespace);
        RoleBinding binding = informer.getStore().getByKey(namespace + "/" + ROLE_BINDING);
        if (binding == null || refused.contains(namespace) || !ready.getAsBoolean()) {
            return;
        }
        List<String> finalizers = binding.getMetadata().getFinalizers() == null ? List.of()
                : binding.getMetadata().getFinalizers();
        boolean held = finalizers.contains(MetadataKeys.FINALIZER);
        boolean wanted = hasRequests.test(namespace);
        List<Map<String, Object>> patch = new ArrayList<>();
        if (wanted && !held && binding.getMetadata().getDeletionTimestamp() == null) {
            // The whole list, fenced by the version read (an absent list and an empty one read alike).
            List<String> next = new ArrayList<>(finalizers);
            next.add(MetadataKeys.FINALIZER);
            patch.add(op("test", "/metadata/resourceVersion", binding.getMetadata().getResourceVersion()));
            patch.add(op("add", "/metadata/finalizers", next));
        } else if (!wanted && held) {
            String path = "/metadata/finalizers/" + finalizers.indexOf(MetadataKeys.FINALIZER);
            patch.add(op("test", path, MetadataKeys.FINALIZER));
            patch.add(op("remove", path, null));
        } else {
            return;
        }
        RoleBinding stub = new RoleBinding();
        stub.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(ROLE_BINDING).build());
        try {
            client.rbac().roleBindings().inNamespace(namespace).resource(stub)
                    .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(patch));
            LOG.log(Level.INFO, () -> "RoleBinding " + namespace + "/" + ROLE_BINDING + (wanted
                    ? " kept until the VmAssignments of the namespace are gone (finalizer " + MetadataKeys.FINALIZER + ")"
                    : " released: no VmAssignment left in the namespace"));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                refusedIn(namespace, "patching");
            } else if (e.getCode() != 404) {
                // 409/422: it changed meanwhile; its event brings the namespace back.
                LOG.log(Level.DEBUG, () -> "RoleBinding " + namespace + "/" + ROLE_BINDING + " not changed now: HTTP "
                        + e.getCode() + " " + e.getMessage());
            }
        }
    }

    private void refusedIn(String namespace, String what) {
        if (refused.add(namespace)) {
            LOG.log(Level.WARNING, "the scheduler may not keep its RoleBinding " + namespace + "/" + ROLE_BINDING
                    + " (" + what + " it was refused): if the namespace is deleted while it holds VmAssignments, the"
                    + " RoleBinding may go first and the namespace stays Terminating until the finalizer "
                    + MetadataKeys.FINALIZER + " is removed from them by hand. Grant get, list, watch and patch on"
                    + " rolebindings named " + ROLE_BINDING + " in the scheduler's ClusterRole.");
        }
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("op", op);
        operation.put("path", path);
        if (value != null) {
            operation.put("value", value);
        }
        return operation;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (dirty) {
            dirty.notifyAll();
        }
        worker.interrupt();
        informers.values().forEach(SharedIndexInformer::stop);
    }
}
