package dev.vmpools.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class JsonPatchesTest {

    private final JsonMapper mapper = new AdmissionReviews().mapper();

    @Test
    void equalObjectsNeedNoOperations() {
        JsonNode object = json("{'metadata':{'name':'a'},'spec':{'pool':'p','x-unknown':[1,2]}}");
        assertThat(JsonPatches.diff(object, object.deepCopy())).isEmpty();
    }

    @Test
    void addsAMissingMapWhole() {
        assertThat(JsonPatches.diff(json("{'metadata':{'name':'a'}}"),
                json("{'metadata':{'name':'a','labels':{'vmpools.dev/pool':'p'}}}")).toString())
                .isEqualTo(json("[{'op':'add','path':'/metadata/labels','value':{'vmpools.dev/pool':'p'}}]").toString());
    }

    @Test
    void escapesSlashesInKeys() {
        assertThat(JsonPatches.diff(json("{'metadata':{'annotations':{}}}"),
                json("{'metadata':{'annotations':{'vmpools.dev/granted-by':'role:user'}}}")).toString())
                .isEqualTo(json("[{'op':'add','path':'/metadata/annotations/vmpools.dev~1granted-by','value':'role:user'}]").toString());
    }

    @Test
    void replacesChangedValues() {
        assertThat(JsonPatches.diff(json("{'spec':{'user':'bob'}}"), json("{'spec':{'user':'alice'}}")).toString())
                .isEqualTo(json("[{'op':'replace','path':'/spec/user','value':'alice'}]").toString());
    }

    @Test
    void leavesFieldsTheMutationDoesNotTouchAlone() {
        JsonNode original = json("{'spec':{'pool':'p','futureField':{'deep':[1,{'a':null}]}}}");
        JsonNode mutated = original.deepCopy();
        ((ObjectNode) mutated.get("spec")).put("user", "alice");
        assertThat(JsonPatches.diff(original, mutated).toString())
                .isEqualTo(json("[{'op':'add','path':'/spec/user','value':'alice'}]").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'a':[1,2,3]}                       | {'a':[3,2,1]}",
        "{'a':[{'n':1},{'n':2}]}             | {'a':[{'n':2}]}",
        "{'finalizers':['x']}                | {'finalizers':['x','vmpools.dev/release']}",
        "{'a':{'b':{'c':1}},'d':'e'}         | {'a':{'b':{}},'f':['g']}",
        "{'a':[1,2,3,4,5]}                   | {'a':[0,1,3,5,6]}",
    })
    void patchTurnsTheOriginalIntoTheMutatedObject(String original, String mutated) {
        JsonNode patch = JsonPatches.diff(json(original), json(mutated));
        assertThat(JsonPatch.apply(patch, json(original))).isEqualTo(json(mutated));
        assertThat(patch.findValuesAsString("op")).allMatch(op -> op.equals("add") || op.equals("remove") || op.equals("replace"));
    }

    private JsonNode json(String singleQuoted) {
        return mapper.readTree(singleQuoted.replace('\'', '"'));
    }
}
