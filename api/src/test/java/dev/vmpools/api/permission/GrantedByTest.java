package dev.vmpools.api.permission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.PoolGrantSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrantedByTest {

    @ParameterizedTest
    @ValueSource(strings = {"user:alice", "user:alice,role:user", "role:system:authenticated", "admin:admin",
        "delegate:system:serviceaccount:gitops:deployer", "bypass", "role:a%2Cb,user:100%25"})
    void formatsWhatItParses(String value) {
        assertThat(GrantedBy.parse(value).orElseThrow().format()).isEqualTo(value);
    }

    @Test
    void escapesCommasAndPercentSignsInNames() {
        GrantedBy grantedBy = new GrantedBy(List.of(new GrantedBy.RoleGrant("a,b"), new GrantedBy.UserGrant("100%")));
        assertThat(grantedBy.format()).isEqualTo("role:a%2Cb,user:100%25");
        assertThat(GrantedBy.parse("role:a%2cb")).contains(new GrantedBy(List.of(new GrantedBy.RoleGrant("a,b"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", "user:", "user:alice,", ",user:alice", "group:user", "user:a%2", "user:a%41",
        "bypass:x", "User:alice"})
    void rejectsWhatIsNotInTheFormat(String value) {
        assertThat(GrantedBy.parse(value)).isEmpty();
    }

    @Test
    void aMissingAnnotationIsNotParsed() {
        assertThat(GrantedBy.parse(null)).isEmpty();
        assertThat(GrantedBy.bypass().format()).isEqualTo("bypass");
    }

    @Test
    void isRevokedOnlyWhenNoListedGrantStillGivesAnything() {
        GrantedBy aliceAndUsers = GrantedBy.parse("user:alice,role:user").orElseThrow();
        assertThat(aliceAndUsers.revokedIn(pool(new PoolGrantSpec("alice", null, List.of("start"))))).isFalse();
        assertThat(aliceAndUsers.revokedIn(pool(new PoolGrantSpec(null, "user", List.of("*"))))).isFalse();
        assertThat(aliceAndUsers.revokedIn(pool(new PoolGrantSpec("alice", null, List.of()),
                new PoolGrantSpec(null, "user", List.of())))).isTrue();
        assertThat(aliceAndUsers.revokedIn(pool(new PoolGrantSpec("user", null, List.of("start")),
                new PoolGrantSpec(null, "alice", List.of("start"))))).isTrue();
        assertThat(aliceAndUsers.revokedIn(pool())).isTrue();
    }

    @Test
    void adminsDelegatesAndBypassesAreNeverRevoked() {
        PoolPermissions empty = pool();
        assertThat(GrantedBy.admin("admin").revokedIn(empty)).isFalse();
        assertThat(GrantedBy.delegate("system:serviceaccount:gitops:deployer").revokedIn(empty)).isFalse();
        assertThat(GrantedBy.bypass().revokedIn(empty)).isFalse();
        assertThat(GrantedBy.parse("user:alice,admin:root").orElseThrow().revokedIn(empty)).isFalse();
    }

    @Test
    void listsEachMatchedSubjectOnce() {
        assertThat(GrantedBy.grants(List.of(Grant.toRole("user", java.util.Set.of(Permission.START)),
                Grant.toRole("user", java.util.Set.of(Permission.STOP)))).orElseThrow().format()).isEqualTo("role:user");
        assertThat(GrantedBy.grants(List.of())).isEmpty();
    }

    private static PoolPermissions pool(PoolGrantSpec... grants) {
        return PoolPermissions.read(List.of(grants)).permissions();
    }
}
