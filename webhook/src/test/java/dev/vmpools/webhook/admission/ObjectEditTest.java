package dev.vmpools.webhook.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.zjsonpatch.JsonPatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class ObjectEditTest {

    private final JsonMapper mapper = new AdmissionReviews().mapper();

    /** m.a = "1", m.b absent, m.c = "3", m.n.x = "y", f holds "r", s = "t". */
    private static ObjectEdit edit() {
        ObjectEdit edit = new ObjectEdit();
        ObjectEdit m = edit.object("m");
        m.set("a", "1").remove("b").set("c", "3");
        m.object("n").set("x", "y");
        edit.include("f", "r").set("s", "t");
        return edit;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "empty object                    | {}                                                            | {'m':{'a':'1','c':'3','n':{'x':'y'}},'f':['r'],'s':'t'}",
        "as edited already               | {'s':'t','f':['q','r'],'m':{'n':{'x':'y','z':1},'c':'3','a':'1'}} | {'s':'t','f':['q','r'],'m':{'n':{'x':'y','z':1},'c':'3','a':'1'}}",
        "changed, removed and appended   | {'m':{'c':'0','b':'2','a':1},'f':['q'],'s':'u','o':2}         | {'m':{'c':'3','a':'1','n':{'x':'y'}},'f':['q','r'],'s':'t','o':2}",
        "wrong types replaced whole      | {'m':[1],'f':{'r':1},'s':null}                                | {'m':{'a':'1','c':'3','n':{'x':'y'}},'f':['r'],'s':'t'}",
        "nulls replaced                  | {'m':{'n':null,'b':null},'f':null}                            | {'m':{'n':{'x':'y'},'a':'1','c':'3'},'f':['r'],'s':'t'}",
    })
    void patchIsTheDiffAgainstTheEditedObjectInTheSameOrder(String name, String original, String edited) {
        ObjectNode object = json(original);
        ObjectNode before = object.deepCopy();

        JsonNode patch = edit().patch(object);

        assertThat(patch).isEqualTo(JsonPatches.diff(object, json(edited)));
        assertThat(JsonPatch.apply(patch, object)).isEqualTo(json(edited));
        assertThat(object).as("the original is not changed").isEqualTo(before);
    }

    @Test
    void escapesTildesAndSlashesInPaths() {
        ObjectEdit edit = new ObjectEdit();
        edit.object("a/b").set("c~d", "e").remove("f/g~");

        assertThat(edit.patch(json("{'a/b':{'f/g~':1}}")).toString()).isEqualTo(tree("""
                [{'op':'remove','path':'/a~1b/f~1g~0'},{'op':'add','path':'/a~1b/c~0d','value':'e'}]""").toString());
    }

    @Test
    void theLastEditOfAFieldCounts() {
        ObjectEdit edit = new ObjectEdit();
        edit.set("a", "1").remove("a").object("o").set("x", "1");
        edit.object("o").set("y", "2");

        assertThat(edit.patch(json("{'a':'0'}")).toString()).isEqualTo(tree("""
                [{'op':'remove','path':'/a'},{'op':'add','path':'/o','value':{'x':'1','y':'2'}}]""").toString());
    }

    private ObjectNode json(String singleQuoted) {
        return (ObjectNode) tree(singleQuoted);
    }

    private JsonNode tree(String singleQuoted) {
        return mapper.readTree(singleQuoted.replace('\'', '"'));
    }
}
