package dev.vmpools.api.names;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Dns1123Test {

    @ParameterizedTest
    @ValueSource(strings = {"test-vms", "a", "0", "pool.example.com", "a-b.c-d", "1.2.3"})
    void acceptsSubdomains(String name) {
        assertThat(Dns1123.isSubdomain(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Test", "-a", "a-", "a..b", ".a", "a.", "a_b", "a b", "a.-b", "\u00e9"})
    void rejectsOtherNames(String name) {
        assertThat(Dns1123.isSubdomain(name)).isFalse();
        assertThat(Dns1123.subdomainProblem(name)).isPresent();
    }

    @Test
    void checksTheLengthLimit() {
        String longest = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
        assertThat(longest).hasSize(253);
        assertThat(Dns1123.isSubdomain(longest)).isTrue();
        assertThat(Dns1123.subdomainProblem(longest + "a")).contains("must be no more than 253 characters");
        assertThat(Dns1123.subdomainProblem(null)).contains("must not be empty");
        assertThat(Dns1123.subdomainProblem("A")).hasValueSatisfying(m -> assertThat(m).contains("lower case"));
    }
}
