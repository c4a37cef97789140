package dev.vmpools.webhook.cluster;

/** Finds pools: from the cache, and on a miss with one live read. */
@FunctionalInterface
public interface Pools {

    PoolLookup find(String namespace, String name);
}
