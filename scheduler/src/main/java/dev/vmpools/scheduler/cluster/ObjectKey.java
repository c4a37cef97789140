package dev.vmpools.scheduler.cluster;

import java.util.Objects;

/**
 * One object the scheduler reads and writes, by kind, namespace and name.
 *
 * @param kind what it is
 * @param namespace its namespace
 * @param name its name
 */
public record ObjectKey(Kind kind, String namespace, String name) {

    /** The kinds the scheduler writes. */
    public enum Kind {
        POOL, VM, LEASE, REQUEST
    }

    public ObjectKey {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + namespace + "/" + name;
    }
}
