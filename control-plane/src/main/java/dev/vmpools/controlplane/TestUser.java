package dev.vmpools.controlplane;

import java.util.List;
import java.util.Locale;

/**
 * The users the test API server knows, from its static token file (DESIGN §7). The token is the
 * user's credential; the API server reports {@link #userName()} and {@link #groups()} (plus
 * {@code system:authenticated}) to RBAC and to admission webhooks.
 */
public enum TestUser {
    /** Break-glass: member of {@code system:masters}, bypasses RBAC and our webhooks. */
    ROOT("root", List.of("system:masters")),
    /** A vmpools administrator: member of the configured admin group only. */
    ADMIN("admin", List.of("vmpools:admins")),
    ALICE("alice", List.of("user")),
    BOB("bob", List.of("user")),
    DAVE("dave", List.of("user")),
    /** In no group of her own (she still has {@code system:authenticated}). */
    CAROL("carol", List.of()),
    /** A GitOps controller's service account, configured as a delegate. */
    DELEGATE(serviceAccount("gitops", "deployer"), serviceAccountGroups("gitops")),
    VM_OPERATOR(serviceAccount("vmop-system", "vm-operator"), serviceAccountGroups("vmop-system")),
    SCHEDULER(serviceAccount("vmpools-system", "scheduler"), serviceAccountGroups("vmpools-system")),
    WEBHOOK(serviceAccount("vmpools-system", "webhook"), serviceAccountGroups("vmpools-system")),
    CERTS(serviceAccount("vmpools-system", "certs"), serviceAccountGroups("vmpools-system")),
    /** What kube-controller-manager runs as, as under kubeadm. */
    KUBE_CONTROLLER_MANAGER("system:kube-controller-manager", List.of());

    private final String userName;
    private final List<String> groups;

    TestUser(String userName, List<String> groups) {
        this.userName = userName;
        this.groups = groups;
    }

    public String userName() {
        return userName;
    }

    public List<String> groups() {
        return groups;
    }

    /** The kubeconfig context (and kubectl {@code --context}) of this user. */
    public String context() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A fixed token: these users exist only on a throw-away API server bound to 127.0.0.1. */
    public String token() {
        return "vmpools-test-" + context();
    }

    private static String serviceAccount(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }

    private static List<String> serviceAccountGroups(String namespace) {
        return List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace);
    }
}
