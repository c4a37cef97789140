package dev.vmpools.certs.renewal;

import java.util.Objects;

import dev.vmpools.certs.pki.PemOutcome;

/** What a Secret holds as read: nothing, something that does not decode, or a decoded value. */
public sealed interface Stored<T> {

    /** The Secret's name, for messages. */
    String secret();

    /** The Secret does not exist. */
    record Absent<T>(String secret) implements Stored<T> {
        public Absent {
            Objects.requireNonNull(secret, "secret");
        }
    }

    /** The Secret exists but its data does not decode; {@code problem} names the data key and what is wrong. */
    record Unreadable<T>(String secret, String problem) implements Stored<T> {
        public Unreadable {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(problem, "problem");
        }
    }

    record Present<T>(String secret, T value) implements Stored<T> {
        public Present {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(value, "value");
        }
    }

    static <T> Stored<T> absent(String secret) {
        return new Absent<>(secret);
    }

    static <T> Stored<T> present(String secret, T value) {
        return new Present<>(secret, value);
    }

    /** The Secret exists; what its data decoded to. */
    static <T> Stored<T> decoded(String secret, PemOutcome<T> outcome) {
        return switch (outcome) {
            case PemOutcome.Decoded<T> d -> new Present<>(secret, d.value());
            case PemOutcome.Invalid<T> i -> new Unreadable<>(secret, i.problem());
        };
    }
}
