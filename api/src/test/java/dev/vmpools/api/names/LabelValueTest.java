package dev.vmpools.api.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LabelValueTest {

    static Stream<String> validLabelValues() {
        return Stream.of("alice", "test-vms", "a", "A.b_c-9", "x".repeat(62) + "y");
    }

    static Stream<String> otherNames() {
        return Stream.of("_svc", "alice@example.org", "oidc:alice", "-x", "x-", "x".repeat(64), "pool." + "p".repeat(200),
                "\u00e9milie", "@@@", "a b", "..", "\ud83d\ude00");
    }

    @ParameterizedTest
    @MethodSource("validLabelValues")
    void aValidLabelValueIsUsedAsItIs(String name) {
        assertThat(LabelValue.of(name)).isEqualTo(new LabelValue(name, false));
    }

    @ParameterizedTest
    @MethodSource("otherNames")
    void anyOtherNameIsSanitizedAndHashedAndNeedsTheAnnotation(String name) {
        LabelValue label = LabelValue.of(name);
        assertThat(label.needsAnnotation()).isTrue();
        assertThat(LabelValue.isValid(label.value())).as(label.value()).isTrue();
        assertThat(label.value()).hasSizeLessThanOrEqualTo(63).matches(".*[0-9a-f]{12}");
        assertThat(LabelValue.of(name)).isEqualTo(label);
    }

    @Test
    void keepsAReadablePartOfASanitizedName() {
        assertThat(LabelValue.of("alice@example.org").value()).startsWith("alice-example.org-").hasSize(18 + 12);
        assertThat(LabelValue.of("_svc").value()).startsWith("svc-");
        assertThat(LabelValue.of("@@@").value()).matches("[0-9a-f]{12}");
        assertThat(LabelValue.of("x".repeat(64)).value()).isEqualTo("x".repeat(50) + "-" + ShortHash.of("x".repeat(64)));
    }

    @Test
    void namesThatSanitizeAlikeGetDifferentValues() {
        List<String> names = List.of("alice@x", "alice:x", "alice x", "alice/x", "x".repeat(64), "x".repeat(65),
                "x".repeat(63) + "@");
        Set<String> values = new HashSet<>();
        names.forEach(n -> values.add(LabelValue.of(n).value()));
        assertThat(values).hasSameSizeAs(names);
    }

    @Test
    void checksLabelValuesAtTheirLengthLimit() {
        assertThat(LabelValue.isValid("a".repeat(63))).isTrue();
        assertThat(LabelValue.isValid("a".repeat(64))).isFalse();
        assertThat(LabelValue.isValid("")).isTrue();
        assertThat(LabelValue.isValid(null)).isFalse();
        assertThatThrownBy(() -> new LabelValue("a b", true)).hasMessageContaining("value");
    }
}
