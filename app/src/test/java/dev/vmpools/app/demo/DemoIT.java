package dev.vmpools.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vmpools.api.VmAssignment;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The demo's story, non-interactively, on a control plane of its own (it installs cluster-wide webhook
 * configurations, which must not reach other test classes): every step checks its outcome as it goes
 * ({@link DemoException} otherwise), and the end state is checked here.
 */
class DemoIT {

    @Test
    void storyRunsToTheEndWithEveryOutcomeShown() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (ControlPlane cp = ControlPlane.start();
                DemoStory story = new DemoStory(cp, new Narrator(new PrintStream(printed, true, StandardCharsets.UTF_8)),
                        Duration.ofSeconds(5))) {
            story.install();
            story.tell();
            story.explain();

            String output = printed.toString(StandardCharsets.UTF_8);
            var assignments = cp.client(TestUser.ROOT).resources(VmAssignment.class).inNamespace(DemoStory.NAMESPACE);
            assertThat(story.assigned("alice-test-vms")).hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("Expired"));
            // dave never opened a console: with this short retention his assignment may have run out by now too.
            assertThat(story.status("dave-test-vms")).hasValueSatisfying(s -> assertThat(s.vm()).isNotNull());
            assertThat(story.assigned("dave-test-vms")).hasValueSatisfying(c -> assertThat(c.getReason()).isIn("Assigned", "Expired"));
            assertThat(assignments.withName("alice-test-vms").get().getSpec().user()).as("filled in by the webhook").isEqualTo("alice");
            assertThat(assignments.withName("bob-test-vms").get()).as("deleted by bob").isNull();
            assertThat(assignments.withName("carol-test-vms").get()).as("refused").isNull();
            assertThat(output).contains("admission webhook", "carol", "0 of 2 VMs free: 2 held", "expired: ", "Go on by hand");
            System.out.println(output);
        }
    }
}
