package dev.vmpools.webhook.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.vmpools.api.PoolGrantSpec;
import dev.vmpools.api.VmPoolSpec;
import dev.vmpools.webhook.Requests;
import dev.vmpools.webhook.admission.AdmissionOutcome;
import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.admission.Operation;
import dev.vmpools.webhook.cluster.PoolLookup;
import dev.vmpools.webhook.cluster.Pools;
import dev.vmpools.webhook.identity.CallerPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ObjectNode;

class VmPolicyTest {

    private static final Map<String, PoolLookup> POOLS = Map.of(
            "test-vms", pool("test-vms", new PoolGrantSpec(null, "user", List.of("accessConsole", "start"))),
            "start-stop", pool("start-stop", new PoolGrantSpec(null, "user", List.of("start", "stop"))),
            "console-only", pool("console-only", new PoolGrantSpec(null, "user", List.of("accessConsole"))),
            "everything-for-alice", pool("everything-for-alice", new PoolGrantSpec("alice", null, List.of("*"))),
            "unreadable", new PoolLookup.Unavailable("reading it took longer than 1000 ms"));
    private static final Pools POOL_CACHE = (namespace, name) -> POOLS.getOrDefault(name, new PoolLookup.Missing());
    private static final VmValidator VALIDATOR = new VmValidator(CallerPolicy.defaults(), POOL_CACHE);

    /** Alice's VM, stopped, assigned from {@code pool}, as stored (with bookkeeping and kubectl's annotation). */
    private static ObjectNode stored(String pool, String assignee, String state) {
        return Requests.json("""
                {"apiVersion":"vmoperator.jdrupes.org/v1","kind":"VirtualMachine",
                 "metadata":{"name":"test-vm-1","namespace":"vmop-dev","resourceVersion":"100","generation":3,
                   "labels":{"team":"a"},
                   "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"old\\":1}"},
                   "managedFields":[{"manager":"kubectl","operation":"Update"}]},
                 "spec":{"pools":["%s"],"vm":{"state":"%s","maximumCpus":2,"maximumRam":"4G"}},
                 "status":{"assignment":{"pool":"%s","user":"%s","lastUsed":"2026-11-24T08:00:00.000Z"}}}
                """.formatted(pool, state, pool, assignee));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // case                                    | requester    | pool                 | assignee | old state | path                                | new value (JSON)   | reason                   | field
        "start with start                          | alice        | test-vms             | alice    | Stopped   | /spec/vm/state                      | \"Running\"        | -                        | -",
        "stop with stop                            | alice        | start-stop           | alice    | Running   | /spec/vm/state                      | \"Stopped\"        | -                        | -",
        "every permission by user grant            | alice        | everything-for-alice | alice    | Running   | /spec/vm/state                      | \"Stopped\"        | -                        | -",
        "state unchanged                           | alice        | console-only         | alice    | Running   | /spec/vm/state                      | \"Running\"        | -                        | -",
        "start without start                       | alice        | console-only         | alice    | Stopped   | /spec/vm/state                      | \"Running\"        | PoolPermissionMissing    | spec.vm.state",
        "stop without stop                         | alice        | test-vms             | alice    | Running   | /spec/vm/state                      | \"Stopped\"        | PoolPermissionMissing    | spec.vm.state",
        "someone else's VM                         | bob          | test-vms             | alice    | Stopped   | /spec/vm/state                      | \"Running\"        | VmNotAssignedToRequester | spec.vm.state",
        "VM of nobody                              | alice        | test-vms             | ''       | Stopped   | /spec/vm/state                      | \"Running\"        | VmNotAssignedToRequester | spec.vm.state",
        "other field of the VM                     | alice        | test-vms             | alice    | Stopped   | /spec/vm/maximumCpus                | 4                  | OnlyStateMayChange       | spec.vm.maximumCpus",
        "the pools                                 | alice        | test-vms             | alice    | Stopped   | /spec/pools/0                       | \"other\"          | OnlyStateMayChange       | spec.pools[0]",
        "a label                                   | alice        | test-vms             | alice    | Stopped   | /metadata/labels/team               | \"b\"              | OnlyStateMayChange       | metadata.labels[team]",
        "another annotation                        | alice        | test-vms             | alice    | Stopped   | /metadata/annotations/note          | \"x\"              | OnlyStateMayChange       | metadata.annotations[note]",
        "pool gone                                 | alice        | gone                 | alice    | Stopped   | /spec/vm/state                      | \"Running\"        | PoolNotFound             | spec.vm.state",
        "anything by an admin                      | admin        | console-only         | alice    | Stopped   | /spec/vm/maximumCpus                | 8                  | -                        | -",
        "anything by VM-Operator                   | vm-operator  | test-vms             | bob      | Stopped   | /spec/vm/maximumCpus                | 8                  | -                        | -",
        "bad pool name, even by an admin           | admin        | test-vms             | alice    | Stopped   | /spec/pools/0                       | \"Test_VMs\"       | InvalidPoolName          | spec.pools[0]",
        "bad pool name by a user                   | alice        | test-vms             | alice    | Stopped   | /spec/pools/0                       | \"-x\"             | InvalidPoolName          | spec.pools[0]",
        "pool name not a string                    | admin        | test-vms             | alice    | Stopped   | /spec/pools/0                       | 7                  | InvalidPoolName          | spec.pools[0]",
    })
    void judgesUpdate(String name, String requester, String pool, String assignee, String oldState, String path, String value,
                      String reason, String field) {
        ObjectNode old = stored(pool, assignee, oldState);
        ObjectNode changed = set(old.deepCopy(), path, value);

        AdmissionOutcome outcome = VALIDATOR.handle(Requests.vm(Operation.UPDATE, user(requester), "vmop-dev", "test-vm-1", changed, old));

        if (reason == null) {
            assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
        } else {
            int code = reason.equals("InvalidPoolName") ? 422 : 403;
            assertThat(outcome).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, denied -> {
                assertThat(denied.reason()).isEqualTo(reason);
                assertThat(denied.code()).isEqualTo(code);
                assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field).containsExactly(field);
                assertThat(denied.message()).contains(field).contains("test-vm-1");
            });
        }
    }

    @Test
    void aKubectlApplyThatChangesOnlyTheStateAndItsBookkeepingIsAdmitted() {
        ObjectNode old = stored("test-vms", "alice", "Stopped");
        ObjectNode applied = old.deepCopy();
        set(applied, "/spec/vm/state", "\"Running\"");
        set(applied, "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration", "\"{\\\"new\\\":2}\"");
        set(applied, "/metadata/managedFields", "[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\"}]");
        set(applied, "/metadata/resourceVersion", "\"101\"");
        set(applied, "/metadata/generation", "4");
        set(applied, "/status/assignment/user", "\"someone\"");

        AdmissionOutcome outcome = VALIDATOR.handle(Requests.vm(Operation.UPDATE, Requests.ALICE, "vmop-dev", "test-vm-1", applied, old));

        assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
        assertThat(outcome.auditAnnotations()).containsEntry("pool", "test-vms");
    }

    @Test
    void aFirstKubectlApplyAddingTheLastAppliedAnnotationCountsAsNoChange() {
        ObjectNode old = stored("test-vms", "alice", "Stopped");
        ((ObjectNode) old.get("metadata")).remove("annotations");
        ObjectNode applied = set(old.deepCopy(), "/spec/vm/state", "\"Running\"");
        ((ObjectNode) applied.get("metadata")).putObject("annotations").put(VmPolicy.LAST_APPLIED, "{}");

        AdmissionOutcome outcome = VALIDATOR.handle(Requests.vm(Operation.UPDATE, Requests.ALICE, "vmop-dev", "test-vm-1", applied, old));

        assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no pools          | []",
        "pools absent      | null",
    })
    void anUnpooledVmIsForAdminsOnly(String name, String pools) {
        ObjectNode old = stored("test-vms", "alice", "Stopped");
        set(old, "/spec/pools", pools);
        ObjectNode changed = set(old.deepCopy(), "/spec/vm/state", "\"Running\"");

        AdmissionOutcome byAlice = VALIDATOR.handle(Requests.vm(Operation.UPDATE, Requests.ALICE, "vmop-dev", "test-vm-1", changed, old));
        AdmissionOutcome byAdmin = VALIDATOR.handle(Requests.vm(Operation.UPDATE, Requests.ADMIN, "vmop-dev", "test-vm-1", changed, old));

        assertThat(byAlice).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, denied -> {
            assertThat(denied.reason()).isEqualTo("VmNotPooled");
            assertThat(denied.code()).isEqualTo(403);
            assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field).containsExactly("spec.pools");
        });
        assertThat(byAdmin).isInstanceOf(AdmissionOutcome.Allowed.class);
    }

    @Test
    void anUnreadablePoolIsAnErrorNotADenial() {
        ObjectNode old = stored("unreadable", "alice", "Stopped");
        ObjectNode changed = set(old.deepCopy(), "/spec/vm/state", "\"Running\"");

        AdmissionOutcome outcome = VALIDATOR.handle(Requests.vm(Operation.UPDATE, Requests.ALICE, "vmop-dev", "test-vm-1", changed, old));

        assertThat(outcome).isInstanceOf(AdmissionOutcome.Errored.class);
    }

    @ParameterizedTest(name = "create with pools {0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "[\"test-vms\",\"a.b-c\"]  | -",
        "[]                          | -",
        "[\"test-vms\",\"UPPER\"]    | spec.pools[1]",
        "[\"\"]                      | spec.pools[0]",
        "\"test-vms\"                | spec.pools",
    })
    void createChecksOnlyPoolNames(String pools, String field) {
        ObjectNode vm = Requests.json("{\"metadata\":{\"name\":\"v\"},\"spec\":{\"pools\":" + pools + ",\"vm\":{\"state\":\"Running\"}}}");

        AdmissionOutcome outcome = VALIDATOR.handle(Requests.vm(Operation.CREATE, Requests.ALICE, "vmop-dev", "v", vm, null));

        if (field == null) {
            assertThat(outcome).isInstanceOf(AdmissionOutcome.Allowed.class);
        } else {
            assertThat(outcome).isInstanceOfSatisfying(AdmissionOutcome.Denied.class, denied -> {
                assertThat(denied.reason()).isEqualTo("InvalidPoolName");
                assertThat(denied.causes()).extracting(AdmissionOutcome.Cause::field).containsExactly(field);
            });
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/spec/vm/cpus                              | spec.vm.cpus",
        "/spec/pools/2                              | spec.pools[2]",
        "/metadata/labels/vmpools.dev~1pool         | metadata.labels[vmpools.dev/pool]",
        "/metadata/annotations/a~0b                 | metadata.annotations[a~b]",
        "/spec/disks/0/name                         | spec.disks[0].name",
        "''                                         | (the whole object)",
    })
    void namesChangedFieldsAsKubernetesDoes(String pointer, String field) {
        assertThat(VmPolicy.fieldPath(pointer)).isEqualTo(field);
    }

    private static AdmissionRequest.UserInfo user(String name) {
        return switch (name) {
            case "admin" -> Requests.ADMIN;
            case "vm-operator" -> Requests.VM_OPERATOR;
            default -> Requests.user(name, "user");
        };
    }

    private static ObjectNode set(ObjectNode object, String path, String json) {
        String parent = path.substring(0, path.lastIndexOf('/'));
        String key = path.substring(path.lastIndexOf('/') + 1).replace("~1", "/");
        var container = object.at(parent);
        var value = Requests.MAPPER.readTree(json);
        if (container instanceof tools.jackson.databind.node.ArrayNode array) {
            array.set(Integer.parseInt(key), value);
        } else {
            ((ObjectNode) container).set(key, value);
        }
        return object;
    }

    private static PoolLookup pool(String name, PoolGrantSpec... grants) {
        return new PoolLookup.Found(name, new VmPoolSpec("PT1H", false, List.of(grants)), false);
    }

}
