package dev.vmpools.webhook.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.api.identity.AdminGroups;
import dev.vmpools.api.identity.Delegate;
import dev.vmpools.api.identity.Delegates;
import dev.vmpools.api.identity.IdentityPolicy;
import dev.vmpools.webhook.Requests;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.cluster.Assignments;
import dev.vmpools.webhook.cluster.ExistingAssignment;
import dev.vmpools.webhook.cluster.PoolLookup;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.identity.Caller;
import dev.vmpools.webhook.identity.CallerPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

class AssignmentPolicyTest {

    static final String NS = "vmop-dev";
    static final CallerPolicy CALLERS = new CallerPolicy(IdentityPolicy.defaults(), AdminGroups.defaults(),
            Set.copyOf(CallerPolicy.DEFAULT_TRUSTED_GROUPS),
            new Delegates(List.of(Delegate.of("gitops", "deployer", Set.of(NS)))));
    static final AssignmentPolicy POLICY = new AssignmentPolicy(IdentityPolicy.defaults());

    static final Map<String, PoolLookup> POOLS = Map.of(
            "test-vms", pool("test-vms", grant("admin", null, "*"), grant(null, "user", "accessConsole", "start")),
            "alice-and-users", pool("alice-and-users", grant("alice", null, "start"), grant(null, "user", "accessConsole")),
            "bob-named", pool("bob-named", grant("bob", null, "start")),
            "nothing-for-users", pool("nothing-for-users", grant(null, "user")),
            "closing", new PoolLookup.Found("closing", spec(grant(null, "user", "start")), true),
            "unreadable", new PoolLookup.Unavailable("reading it took longer than 1000 ms"));
    static final Pools POOL_CACHE = (namespace, name) -> NS.equals(namespace)
            ? POOLS.getOrDefault(name, new PoolLookup.Missing()) : new PoolLookup.Missing();
    static final Assignments NONE = (namespace, pool, user) -> List.of();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // case                                  | requester | spec.user | pool             | granted-by / warning
        "own request, role grant                 | alice     | -         | test-vms         | role:user",
        "own request naming oneself              | alice     | alice     | test-vms         | role:user",
        "every matching grant is listed          | alice     | -         | alice-and-users  | user:alice,role:user",
        "user grant only                         | bob       | -         | bob-named        | user:bob",
        "admin for themselves by their grant     | admin     | -         | test-vms         | user:admin",
        "admin for themselves without a grant    | admin     | -         | bob-named        | admin:admin",
        "admin for a user a grant names          | admin     | bob       | bob-named        | admin:admin",
        "delegate for a user a grant names       | delegate  | bob       | bob-named        | delegate:system:serviceaccount:gitops:deployer",
    })
    void admitsCreate(String name, String requester, String specUser, String pool, String grantedBy) {
        CreateDecision decision = create(requester, NS, pool, specUser, NONE);

        assertThat(decision).isInstanceOfSatisfying(CreateDecision.Admit.class, admit -> {
            assertThat(admit.grantedBy().format()).isEqualTo(grantedBy);
            assertThat(admit.user()).isEqualTo(specUser != null ? specUser : requester);
            assertThat(admit.pool()).isEqualTo(pool);
            assertThat(admit.warnings()).isEmpty();
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "admin for a user no grant names    | admin    | admin:admin",
        "delegate for a user no grant names | delegate | delegate:system:serviceaccount:gitops:deployer",
    })
    void admitsRequestForOthersWithAWarningWhenNoUserGrantNamesThem(String name, String requester, String grantedBy) {
        CreateDecision decision = create(requester, NS, "test-vms", "bob", NONE);

        assertThat(decision).isInstanceOfSatisfying(CreateDecision.Admit.class, admit -> {
            assertThat(admit.grantedBy().format()).isEqualTo(grantedBy);
            assertThat(admit.user()).isEqualTo("bob");
            assertThat(admit.warnings()).singleElement().satisfies(w -> assertThat(w)
                    .contains("no grant of VmPool test-vms names user bob").hasSizeLessThanOrEqualTo(120));
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // case                              | requester | namespace | spec.user                  | pool              | code | reason                     | field     | message
        "no grant at all                     | carol     | vmop-dev  | -                          | test-vms          | 403  | NoPoolPermission           | spec.pool | user carol may not use VmPool test-vms",
        "grants of nothing                   | alice     | vmop-dev  | -                          | nothing-for-users | 403  | NoPoolPermission           | spec.pool | user alice may not use VmPool nothing-for-users",
        "another user's grant                | alice     | vmop-dev  | -                          | bob-named         | 403  | NoPoolPermission           | spec.pool | no grant of the pool names user alice",
        "user for another user               | alice     | vmop-dev  | bob                        | test-vms          | 403  | RequestForOtherUser        | spec.user | alice may request VMs only for themselves, but spec.user is bob",
        "delegate outside its namespaces     | delegate  | elsewhere | bob                        | test-vms          | 422  | PoolNotFound               | spec.pool | VmPool test-vms does not exist in namespace elsewhere",
        "service account without spec.user  | delegate  | vmop-dev  | -                          | test-vms          | 403  | ServiceAccountNotAPoolUser | spec.user | cannot hold VMs",
        "service account as assignee         | admin     | vmop-dev  | system:serviceaccount:a:b  | test-vms          | 422  | ServiceAccountNotAPoolUser | spec.user | is a service account",
        "assignee that is no login name      | admin     | vmop-dev  | Bob Smith                  | test-vms          | 422  | InvalidUserName            | spec.user | does not match the user name pattern",
        "pool does not exist                 | alice     | vmop-dev  | -                          | gone              | 422  | PoolNotFound               | spec.pool | VmPool gone does not exist in namespace vmop-dev",
        "pool being deleted                  | alice     | vmop-dev  | -                          | closing           | 422  | PoolBeingDeleted           | spec.pool | is being deleted",
        "no pool named                       | alice     | vmop-dev  | -                          | ''                | 422  | PoolRequired               | spec.pool | spec.pool is required",
    })
    void deniesCreate(String name, String requester, String namespace, String specUser, String pool, int code, String reason,
                      String field, String message) {
        CreateDecision decision = create(requester, namespace, pool, specUser, NONE);

        assertDenied(decision, code, reason, field, message);
    }

    @Test
    void delegateOutsideItsNamespacesMayNotRequestForOthers() {
        Pools everywhere = (namespace, name) -> POOLS.get("test-vms");

        CreateDecision decision = POLICY.create(caller("delegate", "elsewhere"), "elsewhere", "req",
                AssignmentSpec.of("test-vms", "bob"), everywhere, NONE);

        assertDenied(decision, 403, "RequestForOtherUser", "spec.user", "only administrators and delegates");
    }

    @Test
    void anUnreadablePoolIsAnErrorNotADenial() {
        CreateDecision decision = create("alice", NS, "unreadable", null, NONE);

        assertThat(decision).isInstanceOfSatisfying(CreateDecision.Refuse.class, refuse ->
                assertThat(refuse.outcome()).isInstanceOfSatisfying(AdmissionOutcome.Errored.class, errored ->
                        assertThat(errored.message()).contains("VmPool unreadable").contains("try again")));
    }

    @Test
    void deniesASpecOfTheWrongShape() {
        AssignmentSpec spec = AssignmentSpec.read(Requests.json("{\"spec\":{\"pool\":\"test-vms\",\"user\":42}}"));

        CreateDecision decision = POLICY.create(caller("alice", NS), NS, "req", spec, POOL_CACHE, NONE);

        assertDenied(decision, 422, "MalformedAssignmentSpec", "spec.user", "spec.user must be a string");
    }

    @ParameterizedTest(name = "existing request {0} ({1}, deleting: {2})")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "dave-first | -              | false | DuplicateAssignment",
        "dave-first | Assigned       | false | DuplicateAssignment",
        "dave-first | Waiting        | false | DuplicateAssignment",
        "dave-first | Duplicate      | false | DuplicateAssignment",
        "dave-first | VmGone         | false | DuplicateAssignment",
        "dave-first | Expired        | false | -",
        "dave-first | RetentionEnded | false | -",
        "dave-first | PoolNotFound   | false | -",
        "dave-first | PermissionRevoked | false | -",
        "dave-first | Assigned       | true  | -",
        "dave-again | Assigned       | false | -",
    })
    void admitsOneActiveRequestPerPoolAndUser(String existingName, String reason, boolean deleting, String expected) {
        Assignments assignments = (namespace, pool, user) -> NS.equals(namespace) && pool.equals("test-vms") && user.equals("dave")
                ? List.of(new ExistingAssignment(existingName, Instant.parse("2026-11-24T08:00:00Z"), deleting, Optional.ofNullable(reason)))
                : List.of();

        CreateDecision decision = POLICY.create(caller("dave", NS), NS, "dave-again", AssignmentSpec.of("test-vms", null),
                POOL_CACHE, assignments);

        if (expected == null) {
            assertThat(decision).isInstanceOf(CreateDecision.Admit.class);
        } else {
            assertDenied(decision, 403, expected, "spec.pool", "user dave already has an active VmAssignment for VmPool test-vms: "
                    + existingName + " (" + (reason == null ? "new" : reason) + ")");
        }
    }

    @Test
    void namesTheFirstOfSeveralActiveRequests() {
        Assignments assignments = (namespace, pool, user) -> List.of(
                new ExistingAssignment("b-later", Instant.parse("2026-11-24T08:00:02Z"), false, Optional.of("Duplicate")),
                new ExistingAssignment("c-same-time", Instant.parse("2026-11-24T08:00:01Z"), false, Optional.of("Assigned")),
                new ExistingAssignment("a-same-time", Instant.parse("2026-11-24T08:00:01Z"), false, Optional.empty()));

        CreateDecision decision = POLICY.create(caller("alice", NS), NS, "", AssignmentSpec.of("test-vms", null), POOL_CACHE, assignments);

        assertDenied(decision, 403, "DuplicateAssignment", "spec.pool", ": a-same-time (new)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "prefixed user                  | oidc:alice | oidc:user | -                 | role:user",
        "user without the prefix        | alice      | oidc:user | UserPrefixMissing | -",
        "group without the group prefix | oidc:alice | user      | NoPoolPermission  | -",
    })
    void stripsConfiguredPrefixes(String name, String username, String group, String reason, String grantedBy) {
        CallerPolicy prefixed = new CallerPolicy(new IdentityPolicy("oidc:", "oidc:", Pattern.compile(IdentityPolicy.DEFAULT_USER_NAME_PATTERN)),
                AdminGroups.defaults(), Set.of(), Delegates.none());
        Caller caller = prefixed.caller(username, List.of(group, "system:authenticated"), NS);

        CreateDecision decision = POLICY.create(caller, NS, "req", AssignmentSpec.of("test-vms", null), POOL_CACHE, NONE);

        if (reason == null) {
            assertThat(decision).isInstanceOfSatisfying(CreateDecision.Admit.class, admit -> {
                assertThat(admit.user()).isEqualTo("alice");
                assertThat(admit.grantedBy().format()).isEqualTo(grantedBy);
            });
        } else {
            assertDenied(decision, 403, reason, reason.equals("UserPrefixMissing") ? "spec.user" : "spec.pool", "");
        }
    }

    // UPDATE

    static final String STORED = """
            {"metadata":{"name":"alice-test-vms","labels":{"vmpools.dev/pool":"test-vms","vmpools.dev/user":"alice","team":"a"},
             "annotations":{"vmpools.dev/granted-by":"role:user","note":"x"},"finalizers":["vmpools.dev/release"]},
             "spec":{"pool":"test-vms","user":"alice"}}""";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // case                          | requester | path                                      | new value (JSON)        | code | reason            | field
        "own label                       | alice     | /metadata/labels/team                     | \"b\"                  | -    | -                 | -",
        "own annotation                  | alice     | /metadata/annotations/note                | \"y\"                  | -    | -                 | -",
        "pool in spec                    | alice     | /spec/pool                                | \"other\"              | 422  | SpecImmutable     | spec.pool",
        "user in spec                    | admin     | /spec/user                                | \"bob\"                | 422  | SpecImmutable     | spec.user",
        "pool label                      | alice     | /metadata/labels/vmpools.dev~1pool        | \"other\"              | 403  | ProtectedMetadata | metadata.labels[vmpools.dev/pool]",
        "user label                      | alice     | /metadata/labels/vmpools.dev~1user        | \"bob\"                | 403  | ProtectedMetadata | metadata.labels[vmpools.dev/user]",
        "granted-by                      | alice     | /metadata/annotations/vmpools.dev~1granted-by | \"admin:admin\"    | 403  | ProtectedMetadata | metadata.annotations[vmpools.dev/granted-by]",
        "user annotation added           | alice     | /metadata/annotations/vmpools.dev~1user   | \"bob\"                | 403  | ProtectedMetadata | metadata.annotations[vmpools.dev/user]",
        "finalizer removed               | alice     | /metadata/finalizers                      | []                     | 403  | ProtectedMetadata | metadata.finalizers[vmpools.dev/release]",
        "finalizer removed by admin      | admin     | /metadata/finalizers                      | []                     | -    | -                 | -",
        "granted-by changed by admin     | admin     | /metadata/annotations/vmpools.dev~1granted-by | \"admin:admin\"    | -    | -                 | -",
        "finalizer removed by a trusted component | scheduler | /metadata/finalizers             | []                     | -    | -                 | -",
    })
    void judgesUpdate(String name, String requester, String path, String value, Integer code, String reason, String field) {
        ObjectNode stored = Requests.json(STORED);
        ObjectNode changed = stored.deepCopy();
        String parent = path.substring(0, path.lastIndexOf('/'));
        String key = path.substring(path.lastIndexOf('/') + 1).replace("~1", "/");
        ((ObjectNode) changed.at(parent)).set(key, Requests.MAPPER.readTree(value));

        AdmissionOutcome outcome = POLICY.update(caller(requester, NS), "alice-test-vms", stored, changed);

        assertOutcome(outcome, code, reason, field);
    }

    // DELETE

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "the assignee                   | alice    | vmop-dev  | -",
        "an admin                       | admin    | vmop-dev  | -",
        "a delegate for the namespace   | delegate | vmop-dev  | -",
        "a trusted component            | scheduler| vmop-dev  | -",
        "another pool user              | bob      | vmop-dev  | NotAssignee",
        "a user without groups          | carol    | vmop-dev  | NotAssignee",
        "a delegate for other namespaces| delegate | elsewhere | NotAssignee",
    })
    void judgesDelete(String name, String requester, String namespace, String reason) {
        AdmissionOutcome outcome = POLICY.delete(caller(requester, namespace), "alice-test-vms", Requests.json(STORED));

        assertOutcome(outcome, reason == null ? null : 403, reason, "spec.user");
        if (reason != null) {
            assertThat(((AdmissionOutcome.Denied) outcome).message())
                    .contains(" may not delete VmAssignment alice-test-vms: its spec.user is alice");
        }
        assertThat(outcome.auditAnnotations()).containsEntry("pool", "test-vms");
    }

    static void assertDenied(CreateDecision decision, int code, String reason, String field, String message) {
        assertThat(decision).isInstanceOfSatisfying(CreateDecision.Refuse.class, refuse ->
                assertThat(refuse.outcome()).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, denied -> {
                    assertThat(denied.code()).isEqualTo(code);
                    assertThat(denied.reason()).isEqualTo(reason);
                    assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field).containsExactly(field);
                    assertThat(denied.message()).contains(message);
                }));
    }

    static void assertOutcome(AdmissionOutcome outcome, Integer code, String reason, String field) {
        if (reason == null) {
            assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
            return;
        }
        assertThat(outcome).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, denied -> {
            assertThat(denied.code()).isEqualTo(code);
            assertThat(denied.reason()).isEqualTo(reason);
            assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field).containsExactly(field);
            assertThat(denied.message()).contains(field);
        });
    }

    static CreateDecision create(String requester, String namespace, String pool, String specUser, Assignments assignments) {
        return POLICY.create(caller(requester, namespace), namespace, "req", AssignmentSpec.of(pool, specUser), POOL_CACHE, assignments);
    }

    static Caller caller(String name, String namespace) {
        AdmissionRequest.UserInfo user = switch (name) {
            case "admin" -> Requests.ADMIN;
            case "delegate" -> Requests.DELEGATE;
            case "carol" -> Requests.CAROL;
            case "scheduler" -> Requests.user("system:serviceaccount:vmpools-system:scheduler", "system:serviceaccounts",
                    "system:serviceaccounts:vmpools-system");
            default -> Requests.user(name, "user");
        };
        return CALLERS.caller(user.username(), user.groups(), namespace);
    }

    static PoolGrantSpec grant(String user, String role, String... may) {
        return new PoolGrantSpec(user, role, may.length == 0 ? List.of() : List.of(may));
    }

    static VmPoolSpec spec(PoolGrantSpec... grants) {
        return new VmPoolSpec("PT1H", false, List.of(grants));
    }

    static PoolLookup pool(String name, PoolGrantSpec... grants) {
        return new PoolLookup.Found(name, spec(grants), false);
    }
}
