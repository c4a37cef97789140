package dev.vmpools.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmarks and process tests start the scheduler JVM as the Deployment does: the same flags and limit. */
class DeploymentFlagsTest {

    @Test
    void theSchedulerProcessRunsWithTheDeploymentsJvmFlagsAndMemoryLimit() throws IOException {
        Deployment deployment;
        try (InputStream in = Files.newInputStream(Path.of("..", "manifests", "workloads", "scheduler.yaml"))) {
            deployment = new KubernetesSerialization().unmarshal(in, Deployment.class);
        }
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        List<String> options = container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
                .map(EnvVar::getValue).flatMap(v -> Arrays.stream(v.strip().split("\\s+")))
                .filter(o -> !o.startsWith("-Djava.io.tmpdir=")).toList();
        long limit = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValueExact();

        assertThat(SchedulerProcess.DEPLOYMENT_JVM_FLAGS).isEqualTo(options);
        assertThat(SchedulerProcess.DEPLOYMENT_MEMORY_LIMIT).isEqualTo("-XX:MaxRAM=" + limit / (1024 * 1024) + "m");
    }
}
