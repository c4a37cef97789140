package dev.vmpools.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A VM's {@code status.assignment} as VM-Operator reads and writes it: the VM is held from {@code pool}
 * for {@code user}. VM-Operator's GUI shows it and its manager logs the user in from it.
 *
 * @param pool the pool the VM was taken from
 * @param user the assignee
 * @param lastUsed the last use, or null when none was recorded or it could not be read
 */
public record PoolAssignment(String pool, String user, Instant lastUsed) {

    /** The form VM-Operator writes, e.g. {@code 2025-03-01T10:15:30.123Z}. */
    private static final DateTimeFormatter UPSTREAM_INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    public PoolAssignment {
        if (pool == null || pool.isEmpty()) {
            throw new IllegalArgumentException("pool must be a non-empty pool name");
        }
        if (user == null || user.isEmpty()) {
            throw new IllegalArgumentException("user must be a non-empty user name");
        }
    }

    /**
     * Interprets the three fields as written. Returns empty when pool or user is missing or empty,
     * which is how {@code {}} and an absent record read; an unreadable {@code lastUsed} becomes null.
     */
    public static Optional<PoolAssignment> of(String pool, String user, String lastUsed) {
        if (pool == null || pool.isEmpty() || user == null || user.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PoolAssignment(pool, user, parseInstant(lastUsed)));
    }

    /** Interprets {@code status.assignment} given as a generic map (null and {@code {}} mean none). */
    public static Optional<PoolAssignment> fromMap(Map<String, ?> assignment) {
        if (assignment == null) {
            return Optional.empty();
        }
        return of(text(assignment.get("pool")), text(assignment.get("user")), text(assignment.get("lastUsed")));
    }

    /** The record as VM-Operator writes it, ready for a JSON patch. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("pool", pool);
        map.put("user", user);
        if (lastUsed != null) {
            map.put("lastUsed", format(lastUsed));
        }
        return map;
    }

    /** A copy with another last use. */
    public PoolAssignment withLastUsed(Instant instant) {
        return new PoolAssignment(pool, user, instant);
    }

    /** Whether this record names the given pool and user. */
    public boolean names(String poolName, String userName) {
        return pool.equals(poolName) && user.equals(userName);
    }

    /** An instant in the form VM-Operator writes (UTC, milliseconds). */
    public static String format(Instant instant) {
        return UPSTREAM_INSTANT.format(Objects.requireNonNull(instant, "instant"));
    }

    /** Reads an ISO instant, with {@code Z} or an offset; null when absent or unreadable. */
    static Instant parseInstant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }
}
