package dev.vmpools.scheduler.cluster;

import java.util.Objects;

/**
 * A node of the pool–VM graph of one namespace (DESIGN §4.2): a pool name or a VM name. A change to any object
 * is reported as the nodes it touches; the planning group of a node is its connected component.
 *
 * @param namespace the namespace
 * @param kind pool or VM
 * @param name the pool's or VM's name (the object need not exist: a request may name a deleted pool)
 */
public record GroupNode(String namespace, Kind kind, String name) {

    /** What a node stands for. */
    public enum Kind {
        POOL, VM
    }

    public GroupNode {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(kind, "kind");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
    }

    public static GroupNode pool(String namespace, String name) {
        return new GroupNode(namespace, Kind.POOL, name);
    }

    public static GroupNode vm(String namespace, String name) {
        return new GroupNode(namespace, Kind.VM, name);
    }

    @Override
    public String toString() {
        return namespace + "/" + (kind == Kind.POOL ? "pool:" : "vm:") + name;
    }
}
