package dev.vmpools.api;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The YAML fixtures under {@code src/test/resources/fixtures}. */
final class Fixtures {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private Fixtures() {
    }

    static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(String name, Class<T> type) {
        return Serialization.unmarshal(text(name), type);
    }

    /** The fixture as a JSON tree, i.e. what the API server would hold. */
    static JsonNode tree(String name) {
        return YAML.readTree(text(name));
    }

    /** An object as fabric8 would send it, as a JSON tree. */
    static JsonNode treeOf(Object resource) {
        return JSON.readTree(Serialization.asJson(resource));
    }
}
