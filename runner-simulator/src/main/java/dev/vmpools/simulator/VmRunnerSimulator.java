package dev.vmpools.simulator;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VirtualMachineSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SIMULATION: stands in for VM-Operator's runner where no VM runs (tests and the demo). It brings a VM's
 * {@code Running} condition to what {@code spec.vm.state} asks, and connects and disconnects consoles on request, writing {@code ConsoleConnected}
 * (with its {@code lastTransitionTime}, to the second, moved only when the status flips) and
 * {@code status.consoleUser} as the runner does. It writes the status with merge patches of those fields only,
 * so it never touches {@code status.assignment}.
 */
public final class VmRunnerSimulator implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final SharedIndexInformer<VirtualMachine> informer;
    private final ExecutorService writes = Executors.newSingleThreadExecutor();

    /** @param client VM-Operator's identity (or root) */
    public VmRunnerSimulator(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        this.informer = client.resources(VirtualMachine.class).inNamespace(namespace).inform(
                new ResourceEventHandler<VirtualMachine>() {
                    @Override
                    public void onAdd(VirtualMachine vm) {
                        follow(vm);
                    }

                    @Override
                    public void onUpdate(VirtualMachine before, VirtualMachine after) {
                        follow(after);
                    }

                    @Override
                    public void onDelete(VirtualMachine vm, boolean unknown) {
                    }
                }, 0);
    }

    /** The user opens the VM's console. */
    public void connect(String vm, String user) {
        setConditions(vm, Map.of(ConditionTypes.CONSOLE_CONNECTED, true), user);
    }

    /** The console closes. */
    public void disconnect(String vm) {
        setConditions(vm, Map.of(ConditionTypes.CONSOLE_CONNECTED, false), null);
    }

    private void follow(VirtualMachine vm) {
        boolean wanted = vm.desiredState().map(VirtualMachineSpec.RUNNING::equals).orElse(false);
        boolean running = vm.condition(ConditionTypes.RUNNING).map(c -> ConditionTypes.TRUE.equals(c.getStatus()))
                .orElse(false);
        if (wanted != running) {
            String name = vm.getMetadata().getName();
            writes.submit(() -> {
                try {
                    setConditions(name, Map.of(ConditionTypes.RUNNING, wanted), null);
                } catch (KubernetesClientException gone) {
                    // deleted meanwhile
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private synchronized void setConditions(String vm, Map<String, Boolean> changes, String consoleUser) {
        var resource = client.genericKubernetesResources(VirtualMachine.GROUP + "/" + VirtualMachine.VERSION,
                VirtualMachine.KIND).inNamespace(namespace).withName(vm);
        GenericKubernetesResource current = resource.get();
        if (current == null) {
            return;
        }
        Map<String, Object> status = (Map<String, Object>) current.getAdditionalProperties()
                .getOrDefault("status", Map.of());
        List<Map<String, Object>> conditions = new ArrayList<>();
        for (Object c : (List<Object>) status.getOrDefault("conditions", List.of())) {
            conditions.add(new LinkedHashMap<>((Map<String, Object>) c));
        }
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        changes.forEach((type, value) -> {
            String wanted = value ? ConditionTypes.TRUE : ConditionTypes.FALSE;
            Map<String, Object> condition = conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst()
                    .orElseGet(() -> {
                        Map<String, Object> created = new LinkedHashMap<>(Map.of("type", type, "status", "Unknown"));
                        conditions.add(created);
                        return created;
                    });
            if (!wanted.equals(condition.get("status"))) {
                condition.put("status", wanted);
                condition.put("lastTransitionTime", now);
                condition.put("reason", type.equals(ConditionTypes.RUNNING) ? (value ? "Running" : "Stopped")
                        : (value ? "Connected" : "Disconnected"));
                condition.put("message", "");
            }
        });
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("conditions", conditions);
        if (consoleUser != null) {
            patch.put("consoleUser", consoleUser);
        }
        resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                client.getKubernetesSerialization().asJson(Map.of("status", patch)));
    }

    @Override
    public void close() {
        informer.stop();
        writes.shutdownNow();
    }
}
