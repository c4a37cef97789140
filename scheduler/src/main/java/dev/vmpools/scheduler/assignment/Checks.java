package dev.vmpools.scheduler.assignment;

/** Argument checks shared by the snapshot records. */
final class Checks {
    private Checks() {
    }

    static String name(String value, String field) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " must be a non-empty name");
        }
        return value;
    }
}
