package dev.vmpools.api.permission;

import static dev.vmpools.api.permission.Permission.ACCESS_CONSOLE;
import static dev.vmpools.api.permission.Permission.RESET;
import static dev.vmpools.api.permission.Permission.START;
import static dev.vmpools.api.permission.Permission.STOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmpools.api.PoolGrantSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolPermissionsTest {

    private static final PoolPermissions POOL = PoolPermissions.read(List.of(
            new PoolGrantSpec("alice", null, List.of("start")),
            new PoolGrantSpec(null, "user", List.of("accessConsole")),
            new PoolGrantSpec(null, "operators", List.of("*")),
            new PoolGrantSpec("nobody", null, List.of()))).permissions();

    @Test
    void unitesTheUsersGrantAndTheGrantsOfTheirRoles() {
        UserAccess access = POOL.accessOf("alice", Set.of("user"));
        assertThat(access.permissions()).containsExactlyInAnyOrder(START, ACCESS_CONSOLE);
        assertThat(access.mayUse()).isTrue();
        assertThat(access.may(STOP)).isFalse();
        assertThat(access.grantedBy().orElseThrow().format()).isEqualTo("user:alice,role:user");
    }

    @Test
    void aRoleWithStarGivesEverything() {
        assertThat(POOL.accessOf("dave", List.of("operators")).permissions())
                .containsExactlyInAnyOrder(START, STOP, RESET, ACCESS_CONSOLE);
    }

    @ParameterizedTest(name = "user {0} in {1}: no access")
    @CsvSource({
        "Alice, ''",          // case matters
        "alic, ''",           // no prefixes
        "alice2, ''",
        "carol, ''",
        "carol, User",
        "carol, users",
        "carol, oidc:user",   // roles are compared as given: prefixes are stripped before
        "user, ''",           // a user named like a role is not in that role
        "nobody, ''",         // a grant with empty may gives nothing
    })
    void matchesNamesExactly(String user, String role) {
        List<String> roles = role.isEmpty() ? List.of() : List.of(role);
        UserAccess access = POOL.accessOf(user, roles);
        assertThat(access.mayUse()).isFalse();
        assertThat(access.matched()).isEmpty();
        assertThat(access.grantedBy()).isEmpty();
    }

    @Test
    void aRequesterWithoutAUserNameCanStillHoldARole() {
        assertThat(POOL.accessOf(null, Set.of("user")).permissions()).containsExactly(ACCESS_CONSOLE);
    }

    @Test
    void unitesAndReportsDuplicateGrants() {
        GrantReading reading = PoolPermissions.read(List.of(
                new PoolGrantSpec(null, "user", List.of("start")),
                new PoolGrantSpec("bob", null, List.of("stop")),
                new PoolGrantSpec(null, "user", List.of("reset")),
                new PoolGrantSpec(null, "user", List.of("accessConsole"))));
        assertThat(reading.valid()).isTrue();
        assertThat(reading.warnings()).containsExactly(
                "spec.permissions[2]: role user is also granted in [0]; permissions are united",
                "spec.permissions[3]: role user is also granted in [0]; permissions are united");
        assertThat(reading.permissions().duplicates()).containsExactly(new GrantedBy.RoleGrant("user"));
        assertThat(reading.permissions().accessOf("carol", Set.of("user")).permissions())
                .containsExactlyInAnyOrder(START, RESET, ACCESS_CONSOLE);
        assertThat(reading.permissions().accessOf("carol", Set.of("user")).grantedBy().orElseThrow().format())
                .isEqualTo("role:user");
    }

    @Test
    void aUserGrantAndARoleOfTheSameNameAreNotDuplicates() {
        PoolPermissions pool = PoolPermissions.read(List.of(new PoolGrantSpec("admin", null, List.of("start")),
                new PoolGrantSpec(null, "admin", List.of("stop")))).permissions();
        assertThat(pool.duplicates()).isEmpty();
    }

    @Test
    void absentMayIsTheCrdDefault() {
        GrantReading reading = PoolPermissions.read(List.of(new PoolGrantSpec("alice", null, null)));
        assertThat(reading.permissions().grants()).containsExactly(Grant.toUser("alice", Set.of(ACCESS_CONSOLE)));
    }

    @Test
    void reportsEachInvalidEntryWithItsField() {
        GrantReading reading = PoolPermissions.read(Arrays.asList(
                new PoolGrantSpec("alice", "user", List.of("start")),
                new PoolGrantSpec(null, null, List.of("start")),
                new PoolGrantSpec("", null, List.of("start")),
                new PoolGrantSpec(null, "", List.of("start")),
                new PoolGrantSpec("bob", null, List.of("start", "takeConsole")),
                null,
                new PoolGrantSpec("carol", null, List.of())));
        assertThat(reading.valid()).isFalse();
        assertThat(reading.problems()).extracting(GrantProblem::field, GrantProblem::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("spec.permissions[0]", GrantProblem.SUBJECT_AMBIGUOUS),
                org.assertj.core.groups.Tuple.tuple("spec.permissions[1]", GrantProblem.SUBJECT_MISSING),
                org.assertj.core.groups.Tuple.tuple("spec.permissions[2].user", GrantProblem.NAME_EMPTY),
                org.assertj.core.groups.Tuple.tuple("spec.permissions[3].role", GrantProblem.NAME_EMPTY),
                org.assertj.core.groups.Tuple.tuple("spec.permissions[4].may", GrantProblem.UNKNOWN_PERMISSION),
                org.assertj.core.groups.Tuple.tuple("spec.permissions[5]", GrantProblem.SUBJECT_MISSING));
        assertThat(reading.problems().get(4).message()).contains("\"takeConsole\"", "accessConsole", "\"*\"");
        assertThat(reading.problems().get(0).message()).contains("user alice", "role user", "exactly one");
        // The valid parts are kept for the scheduler: bob keeps start; carol may do nothing, with a warning.
        assertThat(reading.permissions().grants()).containsExactly(Grant.toUser("bob", Set.of(START)),
                Grant.toUser("carol", Set.of()));
        assertThat(reading.warnings()).containsExactly("spec.permissions[6]: user carol may do nothing (may is empty)");
    }

    @Test
    void readsNoGrantsFromAbsentPermissions() {
        assertThat(PoolPermissions.read(null).permissions().grants()).isEmpty();
    }

    @Test
    void aGrantNamesExactlyOneNonEmptySubject() {
        assertThatThrownBy(() -> new Grant("a", "b", Set.of())).hasMessageContaining("not both");
        assertThatThrownBy(() -> new Grant(null, null, Set.of())).hasMessageContaining("neither");
        assertThatThrownBy(() -> Grant.toUser("", Set.of())).hasMessage("user must not be empty");
        assertThatThrownBy(() -> Grant.toRole("", Set.of())).hasMessage("role must not be empty");
        assertThatThrownBy(() -> Grant.toRole("r", null)).hasMessage("may");
    }

    @Test
    void tellsWhetherAUserIsNamedByAGrant() {
        assertThat(POOL.namesUser("alice")).isTrue();
        assertThat(POOL.namesUser("user")).isFalse();
    }
}
