package dev.vmpools.api.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityPolicyTest {

    private static final IdentityPolicy PLAIN = IdentityPolicy.defaults();
    private static final IdentityPolicy OIDC = new IdentityPolicy("oidc:", "oidc:",
            Pattern.compile(IdentityPolicy.DEFAULT_USER_NAME_PATTERN));

    @Test
    void aPlainUserIsAPoolUserWithTheirGroupsAsRoles() {
        assertThat(PLAIN.requester("alice", List.of("user", "system:authenticated")))
                .isEqualTo(new Requester.PoolUser("alice", Set.of("user", "system:authenticated")));
    }

    @Test
    void stripsTheUserPrefixExactlyOnce() {
        assertThat(OIDC.requester("oidc:alice", List.of())).isEqualTo(new Requester.PoolUser("alice", Set.of()));
        assertThat(reason(OIDC.requester("oidc:oidc:alice", List.of()))).isEqualTo(Requester.Reason.INVALID_USER_NAME);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "OIDC:alice", "oidc-alice", "ldap:alice"})
    void aUserWithoutTheConfiguredPrefixIsNoPoolUser(String username) {
        Requester requester = OIDC.requester(username, List.of("oidc:user"));
        assertThat(reason(requester)).isEqualTo(Requester.Reason.USER_PREFIX_MISSING);
        assertThat(((Requester.NotAPoolUser) requester).message()).contains(username, "\"oidc:\"");
    }

    @Test
    void groupsWithoutTheGroupPrefixAreNoRoles() {
        assertThat(OIDC.roles(List.of("oidc:user", "oidc:", "system:authenticated", "user", "oidc:team:a")))
                .containsExactly("user", "team:a");
        assertThat(PLAIN.roles(null)).isEmpty();
        assertThat(PLAIN.roles(java.util.Arrays.asList("user", null))).containsExactly("user");
    }

    @ParameterizedTest
    @ValueSource(strings = {"system:serviceaccount:gitops:deployer", "system:serviceaccount:vmpools-system:scheduler"})
    void serviceAccountsNeverHoldVms(String username) {
        assertThat(reason(PLAIN.requester(username, List.of("system:serviceaccounts"))))
                .isEqualTo(Requester.Reason.SERVICE_ACCOUNT);
        assertThat(reason(OIDC.requester(username, List.of()))).isEqualTo(Requester.Reason.SERVICE_ACCOUNT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"system:kube-controller-manager", "system:anonymous", "system:admin"})
    void systemUsersNeverHoldVms(String username) {
        assertThat(reason(PLAIN.requester(username, List.of()))).isEqualTo(Requester.Reason.SYSTEM_USER);
    }

    @ParameterizedTest(name = "\"{0}\" valid: {1}")
    @CsvSource({
        "alice, true",
        "_svc, true",
        "a, true",
        "dave-2_x, true",
        "abcdefghijklmnopqrstuvwxyz012345, true",
        "abcdefghijklmnopqrstuvwxyz0123456, false",
        "Alice, false",
        "1alice, false",
        "-alice, false",
        "alice@example.org, false",
        "al ice, false",
        "'', false",
    })
    void userNamesMustBeUnixLoginNamesByDefault(String name, boolean valid) {
        assertThat(PLAIN.checkUserName(name).isEmpty()).isEqualTo(valid);
        assertThat(PLAIN.requester(name, List.of()) instanceof Requester.PoolUser).isEqualTo(valid);
    }

    @Test
    void explainsAnInvalidNameWithThePattern() {
        Requester.NotAPoolUser problem = PLAIN.checkUserName("Alice").orElseThrow();
        assertThat(problem.reason().reason()).isEqualTo("InvalidUserName");
        assertThat(problem.message()).contains("\"Alice\"", IdentityPolicy.DEFAULT_USER_NAME_PATTERN);
        assertThat(PLAIN.checkUserName(null)).isPresent();
    }

    @Test
    void aConfiguredPatternReplacesTheDefault() {
        IdentityPolicy emails = new IdentityPolicy(null, null, Pattern.compile("[a-z.]+@example\\.org"));
        assertThat(emails.requester("alice@example.org", List.of())).isInstanceOf(Requester.PoolUser.class);
        assertThat(emails.requester("alice@example.org.evil", List.of())).isInstanceOf(Requester.NotAPoolUser.class);
        assertThat(emails.userPrefix()).isEmpty();
    }

    @Test
    void aRequestWithoutUserNameIsNoPoolUser() {
        assertThat(reason(PLAIN.requester(null, List.of()))).isEqualTo(Requester.Reason.INVALID_USER_NAME);
        assertThat(reason(PLAIN.requester("", List.of()))).isEqualTo(Requester.Reason.INVALID_USER_NAME);
    }

    private static Requester.Reason reason(Requester requester) {
        assertThat(requester).isInstanceOf(Requester.NotAPoolUser.class);
        return ((Requester.NotAPoolUser) requester).reason();
    }
}
