package dev.vmpools.webhook.admission;

import java.util.Optional;

/** The operations an AdmissionReview can carry ({@code request.operation}). */
public enum Operation {
    CREATE, UPDATE, DELETE, CONNECT;

    /** The operation of the wire value, exact and case-sensitive as the API server sends it. */
    public static Optional<Operation> of(String wire) {
        for (Operation operation : values()) {
            if (operation.name().equals(wire)) {
                return Optional.of(operation);
            }
        }
        return Optional.empty();
    }
}
