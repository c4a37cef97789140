package dev.vmpools.webhook;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vmpools.webhook.admission.AdmissionRequest;
import dev.vmpools.webhook.admission.AdmissionReviews;
import dev.vmpools.webhook.admission.Operation;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Admission requests for the rules' tests, as the API server would send them, and the people who send them. */
public final class Requests {

    public static final JsonMapper MAPPER = new AdmissionReviews().mapper();

    public static final AdmissionRequest.UserInfo ALICE = user("alice", "user");
    public static final AdmissionRequest.UserInfo BOB = user("bob", "user");
    public static final AdmissionRequest.UserInfo CAROL = user("carol");
    public static final AdmissionRequest.UserInfo ADMIN = user("admin", "vmpools:admins");
    public static final AdmissionRequest.UserInfo DELEGATE = user("system:serviceaccount:gitops:deployer",
            "system:serviceaccounts", "system:serviceaccounts:gitops");
    public static final AdmissionRequest.UserInfo VM_OPERATOR = user("system:serviceaccount:vmop-system:vm-operator",
            "system:serviceaccounts", "system:serviceaccounts:vmop-system");

    private Requests() {
    }

    /** A user with these groups (plus system:authenticated, as the API server adds it). */
    public static AdmissionRequest.UserInfo user(String name, String... groups) {
        List<String> all = new java.util.ArrayList<>(List.of(groups));
        all.add("system:authenticated");
        return new AdmissionRequest.UserInfo(name, "", all, Map.of());
    }

    public static ObjectNode json(String text) {
        return (ObjectNode) MAPPER.readTree(text);
    }

    public static AdmissionRequest assignment(Operation operation, AdmissionRequest.UserInfo user, String namespace, String name,
                                              ObjectNode object, ObjectNode oldObject) {
        return request("vmpools.dev", "v1alpha1", "VmAssignment", "vmassignments", operation, user, namespace, name, object, oldObject);
    }

    public static AdmissionRequest pool(Operation operation, AdmissionRequest.UserInfo user, String namespace, String name,
                                        ObjectNode object) {
        return request("vmoperator.jdrupes.org", "v1", "VmPool", "vmpools", operation, user, namespace, name, object, null);
    }

    public static AdmissionRequest vm(Operation operation, AdmissionRequest.UserInfo user, String namespace, String name,
                                      ObjectNode object, ObjectNode oldObject) {
        return request("vmoperator.jdrupes.org", "v1", "VirtualMachine", "vms", operation, user, namespace, name, object, oldObject);
    }

    private static AdmissionRequest request(String group, String version, String kind, String resource, Operation operation,
                                            AdmissionRequest.UserInfo user, String namespace, String name, ObjectNode object,
                                            ObjectNode oldObject) {
        return new AdmissionRequest("0a1b2c3d-" + name, new AdmissionRequest.Kind(group, version, kind),
                new AdmissionRequest.Resource(group, version, resource), "", name, namespace, operation, user,
                Optional.ofNullable(object), Optional.ofNullable(oldObject), false);
    }
}
