package dev.vmpools.api.permission;

import static dev.vmpools.api.permission.Permission.ACCESS_CONSOLE;
import static dev.vmpools.api.permission.Permission.RESET;
import static dev.vmpools.api.permission.Permission.START;
import static dev.vmpools.api.permission.Permission.STOP;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionTest {

    @Test
    void usesVmOperatorsNames() {
        assertThat(Arrays.stream(Permission.values()).map(Permission::wireName))
                .containsExactly("start", "stop", "reset", "accessConsole");
        assertThat(Permission.fromWireName("accessConsole")).contains(ACCESS_CONSOLE);
    }

    @Test
    void starMeansEveryPoolPermission() {
        assertThat(Permission.parse(List.of("*")))
                .isEqualTo(new ParsedPermissions(Set.of(START, STOP, RESET, ACCESS_CONSOLE), List.of()));
    }

    @Test
    void reportsUnknownNamesWithoutThrowingAndKeepsTheKnownOnes() {
        ParsedPermissions parsed = Permission.parse(Arrays.asList("start", "Start", "takeConsole", null, "ACCESSCONSOLE"));
        assertThat(parsed.permissions()).containsExactly(START);
        assertThat(parsed.unknown()).containsExactly("Start", "takeConsole", "null", "ACCESSCONSOLE");
    }

    @Test
    void readsNothingFromNothing() {
        assertThat(Permission.parse(null)).isEqualTo(new ParsedPermissions(Set.of(), List.of()));
        assertThat(Permission.parse(List.of()).permissions()).isEmpty();
    }
}
