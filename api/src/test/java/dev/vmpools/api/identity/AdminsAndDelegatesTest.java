package dev.vmpools.api.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdminsAndDelegatesTest {

    private static final String DEPLOYER = "system:serviceaccount:gitops:deployer";

    @Test
    void membersOfAnAdminGroupAreAdmins() {
        AdminGroups admins = AdminGroups.defaults();
        assertThat(admins.isAdmin(List.of("system:authenticated", "vmpools:admins"))).isTrue();
        assertThat(admins.isAdmin(List.of("vmpools:admin", "VMPOOLS:ADMINS", "user"))).isFalse();
        assertThat(admins.isAdmin(null)).isFalse();
        assertThatThrownBy(() -> new AdminGroups(Set.of(""))).hasMessageContaining("empty");
    }

    @Test
    void aDelegateRequestsForOthersOnlyInItsNamespaces() {
        Delegates delegates = new Delegates(List.of(Delegate.of("gitops", "deployer", Set.of("vmop-dev", "lab"))));
        assertThat(delegates.mayRequestForOthers(DEPLOYER, "vmop-dev")).isTrue();
        assertThat(delegates.mayRequestForOthers(DEPLOYER, "lab")).isTrue();
        assertThat(delegates.mayRequestForOthers(DEPLOYER, "prod")).isFalse();
        assertThat(delegates.mayRequestForOthers("system:serviceaccount:gitops:other", "vmop-dev")).isFalse();
        assertThat(delegates.mayRequestForOthers("alice", "vmop-dev")).isFalse();
        assertThat(Delegates.none().mayRequestForOthers(DEPLOYER, "vmop-dev")).isFalse();
    }

    @Test
    void aDelegateForEveryNamespace() {
        Delegate everywhere = new Delegate(DEPLOYER, Set.of(Delegate.EVERY_NAMESPACE));
        assertThat(everywhere.covers(DEPLOYER, "anything")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"deployer", "gitops:deployer", "system:serviceaccount:gitops", "system:serviceaccount::x",
        "system:serviceaccount:gitops:", "system:serviceaccount:a:b:c", "alice"})
    void aDelegateIsAServiceAccount(String username) {
        assertThatThrownBy(() -> new Delegate(username, Set.of("lab")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username");
    }

    @Test
    void aDelegateNamesItsNamespaces() {
        assertThatThrownBy(() -> new Delegate(DEPLOYER, Set.of())).hasMessageContaining("namespaces of delegate");
        assertThatThrownBy(() -> new Delegate(DEPLOYER, Set.of(""))).hasMessageContaining("no empty one");
    }
}
