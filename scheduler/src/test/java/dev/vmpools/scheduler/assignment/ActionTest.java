package dev.vmpools.scheduler.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vmpools.api.JsonPatchOperation;
import dev.vmpools.api.MetadataKeys;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The actions as the edge sends them. */
class ActionTest {

    @Test
    void removingTheFinalizerTestsItAtTheIndexReadThenRemovesIt() {
        Action.RemoveFinalizer remove = Action.RemoveFinalizer.of("alice-1", "17",
                List.of("example.com/other", MetadataKeys.FINALIZER), MetadataKeys.FINALIZER);

        assertThat(remove.patch()).containsExactly(
                JsonPatchOperation.test("/metadata/finalizers/1", MetadataKeys.FINALIZER),
                new JsonPatchOperation("remove", "/metadata/finalizers/1", null));
        assertThat(Serialization.asJson(remove.patch())).isEqualTo(
                "[{\"op\":\"test\",\"path\":\"/metadata/finalizers/1\",\"value\":\"vmpools.dev/release\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/finalizers/1\"}]");
        assertThat(remove.finalizers()).containsExactly("example.com/other");
        assertThat(remove.resourceVersion()).isEqualTo("17");
    }

    @Test
    void aFinalizerThatIsNotThereCannotBeRemoved() {
        assertThatThrownBy(() -> Action.RemoveFinalizer.of("alice-1", "17", List.of(), MetadataKeys.FINALIZER))
                .hasMessageContaining("alice-1 has no finalizer");
    }

    @Test
    void aDesiredStateIsRunningOrStopped() {
        assertThat(new Action.SetDesiredState("vm-1", "Running").patch())
                .containsExactly(JsonPatchOperation.add("/spec/vm/state", "Running"));
        assertThatThrownBy(() -> new Action.SetDesiredState("vm-1", "Paused")).hasMessageContaining("Paused");
    }
}
