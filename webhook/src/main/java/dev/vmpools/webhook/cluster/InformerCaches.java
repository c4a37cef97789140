package dev.vmpools.webhook.cluster;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentSpec;
import dev.vmpools.api.VmPool;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * Informer caches of VmPools and VmAssignments, in every namespace or in the configured pool namespaces
 * (the webhook's rights are bound per pool namespace). VmAssignments are indexed by (namespace, pool, user).
 * A pool the cache does not hold is read live once, with a time limit, so that a pool and a request for it
 * created together (one {@code kubectl apply -f dir/}) are both admitted; only a pool that the live read does
 * not find either counts as missing.
 */
public final class InformerCaches implements Pools, Assignments, AutoCloseable {

    static final String BY_POOL_AND_USER = "vmpools.dev/pool-user";

    private static final System.Logger LOG = System.getLogger(InformerCaches.class.getName());

    private final KubernetesClient client;
    private final Duration liveReadTimeout;
    private final Map<String, SharedIndexInformer<VmPool>> poolInformers = new LinkedHashMap<>();
    private final Map<String, SharedIndexInformer<VmAssignment>> assignmentInformers = new LinkedHashMap<>();
    private final ExecutorService liveReads = Executors.newVirtualThreadPerTaskExecutor();
    /** Each cached pool as last found, so that its grants are read once per version, not once per request. */
    private final Map<String, Read> reads = new ConcurrentHashMap<>();

    /** A pool of the cache, and what was found in it. */
    private record Read(VmPool pool, PoolLookup.Found found) {
    }

    /** The key for every namespace. */
    private static final String ALL = "";

    private InformerCaches(KubernetesClient client, Duration liveReadTimeout) {
        this.client = client;
        this.liveReadTimeout = liveReadTimeout;
    }

    /**
     * Starts the informers without waiting for them to sync (see {@link #synced()}).
     *
     * @param namespaces the pool namespaces; empty for every namespace
     * @param liveReadTimeout the time limit of the live read on a pool cache miss
     */
    public static InformerCaches start(KubernetesClient client, Set<String> namespaces, Duration liveReadTimeout) {
        InformerCaches caches = new InformerCaches(Objects.requireNonNull(client, "client"),
                Objects.requireNonNull(liveReadTimeout, "liveReadTimeout"));
        List<String> scopes = namespaces.isEmpty() ? List.of(ALL) : namespaces.stream().sorted().toList();
        for (String namespace : scopes) {
            caches.poolInformers.put(namespace, start(scoped(client.resources(VmPool.class), namespace)
                    .runnableInformer(0), "VmPools", namespace));
            caches.assignmentInformers.put(namespace, start(scoped(client.resources(VmAssignment.class), namespace)
                    .withIndexers(Map.of(BY_POOL_AND_USER, InformerCaches::poolUserKeys))
                    .runnableInformer(0), "VmAssignments", namespace));
        }
        return caches;
    }

    /** True once every informer has listed its objects: the webhook is ready from then on. */
    public boolean synced() {
        return poolInformers.values().stream().allMatch(SharedIndexInformer::hasSynced)
                && assignmentInformers.values().stream().allMatch(SharedIndexInformer::hasSynced);
    }

    @Override
    public PoolLookup find(String namespace, String name) {
        Optional<SharedIndexInformer<VmPool>> informer = informer(poolInformers, namespace);
        if (informer.isPresent()) {
            String key = Cache.namespaceKeyFunc(namespace, name);
            VmPool cached = informer.get().getStore().getByKey(key);
            if (cached != null) {
                // The informer stores a new object for every change: the same object means the same grants.
                Read read = reads.get(key);
                if (read == null || read.pool() != cached) {
                    read = new Read(cached, found(cached));
                    reads.put(key, read);
                }
                return read.found();
            }
            reads.remove(key);
        }
        return readLive(namespace, name);
    }

    @Override
    public List<ExistingAssignment> of(String namespace, String pool, String user) {
        return informer(assignmentInformers, namespace)
                .map(i -> i.getIndexer().byIndex(BY_POOL_AND_USER, poolUserKey(namespace, pool, user)))
                .orElse(List.of())
                .stream()
                .map(InformerCaches::existing)
                .toList();
    }

    @Override
    public void close() {
        poolInformers.values().forEach(SharedIndexInformer::stop);
        assignmentInformers.values().forEach(SharedIndexInformer::stop);
        liveReads.shutdownNow();
    }

    private PoolLookup readLive(String namespace, String name) {
        Future<VmPool> read = liveReads.submit(() -> client.resources(VmPool.class).inNamespace(namespace).withName(name).get());
        try {
            VmPool pool = read.get(liveReadTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.log(Level.DEBUG, () -> "VmPool " + namespace + "/" + name + " is not in the cache; read live: "
                    + (pool == null ? "not found" : "found"));
            return pool == null ? new PoolLookup.Missing() : found(pool);
        } catch (TimeoutException e) {
            read.cancel(true);
            return new PoolLookup.Unavailable("not in the webhook's cache, and reading it took longer than "
                    + liveReadTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            LOG.log(Level.WARNING, "reading VmPool " + namespace + "/" + name + " failed", cause);
            String detail = cause instanceof KubernetesClientException k && k.getCode() > 0
                    ? "HTTP " + k.getCode() + (k.getStatus() != null ? " " + k.getStatus().getReason() : "")
                    : cause.getClass().getSimpleName();
            return new PoolLookup.Unavailable("not in the webhook's cache, and reading it failed: " + detail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            read.cancel(true);
            return new PoolLookup.Unavailable("interrupted while reading it");
        }
    }

    private static PoolLookup.Found found(VmPool pool) {
        return new PoolLookup.Found(pool.getMetadata().getName(), pool.getSpec(),
                pool.getMetadata().getDeletionTimestamp() != null);
    }

    private static ExistingAssignment existing(VmAssignment assignment) {
        Optional<String> reason = Optional.ofNullable(assignment.getStatus())
                .map(s -> s.conditions())
                .flatMap(conditions -> conditions.stream()
                        .filter(c -> c != null && ConditionTypes.ASSIGNED.equals(c.getType()))
                        .map(Condition::getReason)
                        .filter(Objects::nonNull)
                        .findFirst());
        return new ExistingAssignment(assignment.getMetadata().getName(), instant(assignment.getMetadata().getCreationTimestamp()),
                assignment.getMetadata().getDeletionTimestamp() != null, reason);
    }

    private static Instant instant(String timestamp) {
        try {
            return timestamp == null ? Instant.EPOCH : Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static List<String> poolUserKeys(VmAssignment assignment) {
        VmAssignmentSpec spec = assignment.getSpec();
        if (spec == null || spec.pool() == null || spec.user() == null) {
            return List.of();
        }
        return List.of(poolUserKey(assignment.getMetadata().getNamespace(), spec.pool(), spec.user()));
    }

    /** Namespace and pool names hold no {@code /}, so the rest of the key is the user, whatever it holds. */
    static String poolUserKey(String namespace, String pool, String user) {
        return namespace + "/" + pool + "/" + user;
    }

    private <T> Optional<SharedIndexInformer<T>> informer(Map<String, SharedIndexInformer<T>> informers, String namespace) {
        SharedIndexInformer<T> informer = informers.containsKey(ALL) ? informers.get(ALL) : informers.get(namespace);
        return Optional.ofNullable(informer);
    }

    private static <T extends HasMetadata, L> Informable<T> scoped(
            MixedOperation<T, L, Resource<T>> operation, String namespace) {
        return namespace.equals(ALL) ? operation.inAnyNamespace() : operation.inNamespace(namespace);
    }

    private static <T> SharedIndexInformer<T> start(SharedIndexInformer<T> informer, String kind, String namespace) {
        String scope = namespace.equals(ALL) ? "every namespace" : "namespace " + namespace;
        // Keep trying: the webhook stays unready (and the API server fails requests closed) until it can list.
        informer.exceptionHandler((started, error) -> {
            LOG.log(Level.WARNING, "informer of " + kind + " in " + scope + " failed; retrying: " + error);
            return true;
        });
        informer.start().whenComplete((ignored, error) -> {
            if (error == null) {
                LOG.log(Level.INFO, () -> "cache of " + kind + " in " + scope + " synced");
            }
        });
        return informer;
    }
}
