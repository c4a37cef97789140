package dev.vmpools.api.permission;

import java.util.Objects;

/**
 * Something wrong with one entry of {@code spec.permissions}.
 *
 * @param field the field path, e.g. {@code spec.permissions[2].role}
 * @param reason a stable PascalCase reason
 * @param message what is wrong and what to do
 */
public record GrantProblem(String field, String reason, String message) {
    public static final String SUBJECT_MISSING = "GrantSubjectMissing";
    public static final String SUBJECT_AMBIGUOUS = "GrantSubjectAmbiguous";
    public static final String NAME_EMPTY = "GrantNameEmpty";
    public static final String UNKNOWN_PERMISSION = "UnknownPermission";

    public GrantProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
