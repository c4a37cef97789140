package dev.vmpools.api.names;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeaseNamesTest {

    @Test
    void isTheVmNameBehindAPrefix() {
        assertThat(LeaseNames.forVm("test-vm-3")).isEqualTo("vmpool.test-vm-3");
    }

    @Test
    void keepsTheFullNameUpTo253Characters() {
        String longest = "v".repeat(253 - 7);
        assertThat(LeaseNames.forVm(longest)).isEqualTo("vmpool." + longest).hasSize(253);
    }

    @ParameterizedTest
    @ValueSource(ints = {247, 248, 253})
    void shortensLongerNamesWithAStableHash(int length) {
        String vm = "v".repeat(length);
        String lease = LeaseNames.forVm(vm);
        assertThat(lease).hasSize(253).startsWith("vmpool.vvv").endsWith("-" + ShortHash.of(vm));
        assertThat(Dns1123.isSubdomain(lease)).isTrue();
        assertThat(LeaseNames.forVm(vm)).isEqualTo(lease);
        assertThat(LeaseNames.forVm("v".repeat(length - 1) + "w")).isNotEqualTo(lease);
    }

    @Test
    void neverEndsAShortenedPartWithADotOrDash() {
        String vm = "a".repeat(232) + ".b" + "c".repeat(13);
        assertThat(Dns1123.isSubdomain(vm)).isTrue();
        String lease = LeaseNames.forVm(vm);
        assertThat(lease).startsWith("vmpool." + "a".repeat(232) + "-").hasSizeLessThan(253);
        assertThat(Dns1123.isSubdomain(lease)).as(lease).isTrue();
    }

    @Test
    void refusesAnEmptyVmName() {
        assertThatThrownBy(() -> LeaseNames.forVm("")).hasMessageContaining("vmName");
    }
}
