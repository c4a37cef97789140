package dev.vmpools.webhook.bench;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The JVM settings of the webhook's container in {@code manifests/workloads/webhook.yaml}: its
 * {@code JAVA_TOOL_OPTIONS}, and its memory and CPU limits, which a JVM in that container would see
 * and which a JVM outside one is told with {@code -XX:MaxRAM} and {@code -XX:ActiveProcessorCount}.
 */
record DeploymentFlags(String javaToolOptions, long memoryLimitBytes, int cpuLimit) {

    static DeploymentFlags read(KubernetesClient client, Path manifests) throws IOException {
        Path file = manifests.resolve("workloads/webhook.yaml");
        Deployment deployment;
        try (InputStream in = Files.newInputStream(file)) {
            deployment = client.load(in).items().stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                    .findFirst().orElseThrow(() -> new IllegalStateException(file + " holds no Deployment"));
        }
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("webhook")).findFirst()
                .orElseThrow(() -> new IllegalStateException(file + " has no container named webhook"));
        String options = container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
                .map(EnvVar::getValue).findFirst().orElse("").strip();
        Quantity memory = container.getResources().getLimits().get("memory");
        Quantity cpu = container.getResources().getLimits().get("cpu");
        return new DeploymentFlags(options, Quantity.getAmountInBytes(memory).longValueExact(),
                Quantity.getAmountInBytes(cpu).setScale(0, RoundingMode.CEILING).max(BigDecimal.ONE).intValueExact());
    }

    /** The command-line options that stand in for the container's limits. */
    List<String> containerLimits() {
        return List.of("-XX:MaxRAM=" + memoryLimitBytes, "-XX:ActiveProcessorCount=" + cpuLimit);
    }
}
