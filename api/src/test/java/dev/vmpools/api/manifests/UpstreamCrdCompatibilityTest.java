package dev.vmpools.api.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Our CRDs stay compatible with VM-Operator 4.0.x's. The upstream CRDs are reference data read from
 * {@code ../shared/reference/} beside the repository (never copied into it); where that folder is
 * absent the tests are skipped, saying so.
 */
class UpstreamCrdCompatibilityTest {
    private static final Path REFERENCE = Manifests.DIR.getParent().resolve("../shared/reference").normalize();
    /** Schema keywords that carry meaning; descriptions and our additions may differ. */
    private static final Set<String> MEANINGFUL = Set.of("type", "default", "enum", "pattern", "required", "format",
            "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "nullable",
            "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields");
    /** The VirtualMachine fields vmpools reads or writes (DESIGN §2.2). */
    private static final List<String> VM_FIELDS_WE_TOUCH = List.of("spec.pools", "spec.vm.state", "spec.permissions",
            "status.assignment", "status.assignment.pool", "status.assignment.user", "status.assignment.lastUsed",
            "status.consoleUser", "status.conditions");

    @Test
    void vmPoolCrdIsAStrictSupersetOfUpstream() throws IOException {
        Map<String, Object> upstream = crd(upstreamFile("vmpools-crd.yaml"));
        Map<String, Object> ours = crd(Manifests.DIR.resolve("crds/vmpool/vmpools.vmoperator.jdrupes.org.yaml"));

        List<String> differences = new ArrayList<>();
        compareNames(upstream, ours, differences);
        Map<String, Object> upstreamVersion = version(upstream, "v1");
        Map<String, Object> ourVersion = version(ours, "v1");
        for (String key : List.of("served", "storage")) {
            if (!upstreamVersion.get(key).equals(ourVersion.get(key))) {
                differences.add("versions[v1]." + key + ": upstream " + upstreamVersion.get(key) + ", ours " + ourVersion.get(key));
            }
        }
        compareSchema("", schema(upstreamVersion), schema(ourVersion), differences);

        assertThat(differences).as("upstream paths missing or changed in our VmPool CRD").isEmpty();
    }

    @Test
    void minimalVmsCrdKeepsUpstreamOnEveryFieldWeTouch() throws IOException {
        Map<String, Object> upstream = crd(upstreamFile("vms-crd.yaml"));
        Map<String, Object> ours = crd(Manifests.DIR.resolve("crds/vms-minimal/vms.vmoperator.jdrupes.org.yaml"));

        List<String> differences = new ArrayList<>();
        compareNames(upstream, ours, differences);
        String version = (String) map(((List<?>) spec(upstream).get("versions")).getFirst()).get("name");
        for (String field : VM_FIELDS_WE_TOUCH) {
            Map<String, Object> upstreamNode = at(schema(version(upstream, version)), field);
            Map<String, Object> ourNode = at(schema(version(ours, version)), field);
            assertThat(upstreamNode).as("upstream has " + field).isNotNull();
            if (ourNode == null) {
                differences.add(field + ": missing");
                continue;
            }
            for (String key : MEANINGFUL) {
                if (upstreamNode.containsKey(key) && !upstreamNode.get(key).equals(ourNode.get(key))) {
                    differences.add(field + "." + key + ": upstream " + upstreamNode.get(key) + ", ours " + ourNode.get(key));
                }
            }
        }

        assertThat(differences).as("fields vmpools touches that differ from upstream's vms CRD").isEmpty();
    }

    private static void compareNames(Map<String, Object> upstream, Map<String, Object> ours, List<String> differences) {
        for (String key : List.of("group", "scope")) {
            if (!spec(upstream).get(key).equals(spec(ours).get(key))) {
                differences.add("spec." + key + ": upstream " + spec(upstream).get(key) + ", ours " + spec(ours).get(key));
            }
        }
        Map<String, Object> upstreamNames = map(spec(upstream).get("names"));
        Map<String, Object> ourNames = map(spec(ours).get("names"));
        for (var entry : upstreamNames.entrySet()) {
            if (entry.getValue() instanceof List<?> list) {
                if (!(ourNames.get(entry.getKey()) instanceof List<?> ourList) || !ourList.containsAll(list)) {
                    differences.add("spec.names." + entry.getKey() + ": upstream " + list + ", ours " + ourNames.get(entry.getKey()));
                }
            } else if (!entry.getValue().equals(ourNames.get(entry.getKey()))) {
                differences.add("spec.names." + entry.getKey() + ": upstream " + entry.getValue() + ", ours " + ourNames.get(entry.getKey()));
            }
        }
    }

    /** Every meaningful keyword of every upstream node must be equal in ours; ours may add nodes and keywords. */
    private static void compareSchema(String path, Map<String, Object> upstream, Map<String, Object> ours, List<String> differences) {
        if (ours == null) {
            differences.add((path.isEmpty() ? "<root>" : path) + ": missing");
            return;
        }
        for (String key : MEANINGFUL) {
            if (upstream.containsKey(key) && !upstream.get(key).equals(ours.get(key))) {
                differences.add(path + "." + key + ": upstream " + upstream.get(key) + ", ours " + ours.get(key));
            }
        }
        if (upstream.get("properties") instanceof Map<?, ?> properties) {
            Map<String, Object> ourProperties = ours.get("properties") instanceof Map<?, ?> p ? map(p) : Map.of();
            for (var entry : map(properties).entrySet()) {
                compareSchema(path + "." + entry.getKey(), map(entry.getValue()), ourProperties.get(entry.getKey()) == null
                        ? null : map(ourProperties.get(entry.getKey())), differences);
            }
        }
        if (upstream.get("items") instanceof Map<?, ?> items) {
            compareSchema(path + "[]", map(items), ours.get("items") == null ? null : map(ours.get("items")), differences);
        }
        for (String alternatives : List.of("oneOf", "anyOf", "allOf")) {
            if (upstream.containsKey(alternatives) && !upstream.get(alternatives).equals(ours.get(alternatives))) {
                differences.add(path + "." + alternatives + ": upstream " + upstream.get(alternatives) + ", ours " + ours.get(alternatives));
            }
        }
    }

    private static Map<String, Object> at(Map<String, Object> schema, String dotted) {
        Map<String, Object> node = schema;
        for (String part : dotted.split("\\.")) {
            if (node == null || !(node.get("properties") instanceof Map<?, ?> properties) || properties.get(part) == null) {
                return null;
            }
            node = map(properties.get(part));
        }
        return node;
    }

    private static Path upstreamFile(String name) {
        Path file = REFERENCE.resolve(name);
        assumeTrue(Files.isRegularFile(file), "upstream CRD " + file + " not present (reference data beside the repository); "
                + "compatibility not checked here");
        return file;
    }

    private static Map<String, Object> crd(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return map(Serialization.unmarshal(in, Map.class));
        }
    }

    private static Map<String, Object> spec(Map<String, Object> crd) {
        return map(crd.get("spec"));
    }

    private static Map<String, Object> version(Map<String, Object> crd, String name) {
        return ((List<?>) spec(crd).get("versions")).stream().map(UpstreamCrdCompatibilityTest::map)
                .filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no version " + name + " in CRD " + map(crd.get("metadata")).get("name")));
    }

    private static Map<String, Object> schema(Map<String, Object> version) {
        return map(map(version.get("schema")).get("openAPIV3Schema"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
