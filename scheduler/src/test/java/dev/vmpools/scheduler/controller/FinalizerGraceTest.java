package dev.vmpools.scheduler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.MetadataKeys;
import dev.vmpools.api.permission.GrantedBy;
import dev.vmpools.scheduler.assignment.Action;
import dev.vmpools.scheduler.assignment.ActionChain;
import dev.vmpools.scheduler.assignment.ObjectRef;
import dev.vmpools.scheduler.assignment.RequestState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FinalizerGraceTest {
    private static final Instant DELETED = Instant.parse("2025-03-01T10:00:00Z");
    private static final FinalizerGrace GRACE = new FinalizerGrace(Duration.ofSeconds(3));

    @ParameterizedTest(name = "{0} after the deletion: removed {1}")
    @CsvSource({
        "PT0S, false",
        "PT2.999999999S, false",
        "PT3S, true",
        "PT1M, true",
    })
    void aFinalizerGoesOnlyOnceTheGraceHasPassedWhileTheRestOfTheChainRunsAtOnce(Duration after, boolean removed) {
        Action.EmitEvent event = new Action.EmitEvent(new ObjectRef("VmAssignment", "r", "uid-r"), false, "Released",
                "VM vm-1 released");
        Action.RemoveFinalizer remove = new Action.RemoveFinalizer("r", "7", List.of(), List.of());
        ActionChain chain = new ActionChain("vm/vm-1", List.of(event, remove));

        FinalizerGrace.Deferred deferred = GRACE.apply(List.of(chain), Map.of("r", deleted("r")), DELETED.plus(after));

        assertThat(deferred.chains()).singleElement().satisfies(c -> assertThat(c.actions())
                .containsExactlyElementsOf(removed ? List.of(event, remove) : List.of(event)));
        assertThat(deferred.due()).isEqualTo(removed ? Optional.empty() : Optional.of(DELETED.plusSeconds(3)));
    }

    private static RequestState deleted(String name) {
        return new RequestState(name, "uid-" + name, "7", 1, DELETED.minusSeconds(60), Optional.of(DELETED), "lab",
                "alice", GrantedBy.bypass(), List.of(MetadataKeys.FINALIZER), Map.of(), Map.of(), Optional.empty());
    }
}
