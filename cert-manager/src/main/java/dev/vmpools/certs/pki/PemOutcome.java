package dev.vmpools.certs.pki;

import java.util.Objects;
import java.util.function.Function;

/** The result of decoding PEM text: the value, or what is wrong with the text. */
public sealed interface PemOutcome<T> {

    /** The text decoded to {@code value}. */
    record Decoded<T>(T value) implements PemOutcome<T> {
        public Decoded {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The text could not be decoded; {@code problem} says why, for a person reading a log or an Event. */
    record Invalid<T>(String problem) implements PemOutcome<T> {
        public Invalid {
            Objects.requireNonNull(problem, "problem");
        }
    }

    static <T> PemOutcome<T> decoded(T value) {
        return new Decoded<>(value);
    }

    static <T> PemOutcome<T> invalid(String problem) {
        return new Invalid<>(problem);
    }

    /** Applies {@code next} to a decoded value; an invalid outcome passes through unchanged. */
    default <R> PemOutcome<R> then(Function<? super T, PemOutcome<R>> next) {
        return switch (this) {
            case Decoded<T> d -> next.apply(d.value());
            case Invalid<T> i -> new Invalid<>(i.problem());
        };
    }

    /** Prefixes the problem with where the text came from, e.g. a Secret's data key. */
    default PemOutcome<T> from(String source) {
        return switch (this) {
            case Decoded<T> d -> d;
            case Invalid<T> i -> new Invalid<>(source + ": " + i.problem());
        };
    }
}
