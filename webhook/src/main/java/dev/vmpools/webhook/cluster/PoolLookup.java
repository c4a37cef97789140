package dev.vmpools.webhook.cluster;

import java.util.Objects;

import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.permission.PoolPermissions;

/**
 * What is known about a pool: found, known not to exist, or unknown (the cache missed and the live read
 * failed). Only {@link Missing} is evidence for a denial; {@link Unavailable} is an error answer, never a denial.
 */
public sealed interface PoolLookup {

    /**
     * The pool exists.
     *
     * @param name the pool's name
     * @param spec its spec as stored (never null)
     * @param deleting true when it has a deletion timestamp
     * @param permissions the grants read from {@code spec.permissions} (entries that are no grant left out)
     */
    record Found(String name, VmPoolSpec spec, boolean deleting, PoolPermissions permissions) implements PoolLookup {
        public Found {
            Objects.requireNonNull(name, "name");
            spec = spec == null ? new VmPoolSpec(null, null, null) : spec;
            Objects.requireNonNull(permissions, "permissions");
        }

        /** The pool, with the grants read from its spec. */
        public Found(String name, VmPoolSpec spec, boolean deleting) {
            this(name, spec, deleting, PoolPermissions.read(spec == null ? null : spec.permissions()).permissions());
        }
    }

    /** Neither the cache nor a live read found the pool. */
    record Missing() implements PoolLookup {
    }

    /** The pool could not be read: {@code why} says what failed. */
    record Unavailable(String why) implements PoolLookup {
        public Unavailable {
            Objects.requireNonNull(why, "why");
        }
    }
}
