package dev.vmpools.app.demo;

import dev.vmpools.api.ConditionTypes;
import dev.vmpools.api.VirtualMachine;
import dev.vmpools.api.VmAssignment;
import dev.vmpools.api.VmAssignmentStatus;
import dev.vmpools.certs.CertsConfig;
import dev.vmpools.certs.manager.CertificateComponent;
import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import dev.vmpools.scheduler.Scheduler;
import dev.vmpools.scheduler.SchedulerConfig;
import dev.vmpools.simulator.VmRunnerSimulator;
import dev.vmpools.webhook.Webhook;
import dev.vmpools.webhook.WebhookConfig;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The demo: installs vmpools on a control plane (the local overlay, vmop-dev as a pool namespace), runs the
 * certificate component, the webhook and the scheduler in this process under their own service accounts, a
 * simulated VM runner, and tells the story of DESIGN's pool. Every step checks its outcome and stops with a
 * {@link DemoException} naming the step when it does not come.
 */
public final class DemoStory implements AutoCloseable {
    static final String NAMESPACE = "vmop-dev";
    static final String POOL = "test-vms";
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private final ControlPlane cp;
    private final Narrator say;
    private final Duration retention;
    private final Path files;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final KubernetesClient root;
    private VmRunnerSimulator runner;
    private int webhookPort;

    /**
     * @param retention the pool's retention (the story waits for it once, after alice's console closes)
     */
    public DemoStory(ControlPlane cp, Narrator say, Duration retention) {
        this.cp = cp;
        this.say = say;
        this.retention = retention;
        this.root = cp.client(TestUser.ROOT);
        this.files = cp.stateDir().resolve("demo");
    }

    /** Installs vmpools and starts its components; returns once the webhook answers through the API server. */
    public void install() {
        Path repo = Binaries.repositoryRoot();
        try {
            Files.createDirectories(files);
            webhookPort = freePort();
            say.say("installing vmpools: CRDs, namespace vmpools-system, RBAC, webhook configurations (manifests/overlays/local)");
            String local = cp.kubectl(TestUser.ROOT, "kustomize", repo.resolve("manifests/overlays/local").toString())
                    .replace("https://127.0.0.1:8443/", "https://127.0.0.1:" + webhookPort + "/");
            Path rendered = write("vmpools-local.yaml", local);
            quietly(TestUser.ROOT, "apply --server-side -f " + rendered);
            quietly(TestUser.ROOT, "wait --for=condition=Established --timeout=60s crd/vmassignments.vmpools.dev "
                    + "crd/vmpools.vmoperator.jdrupes.org crd/vms.vmoperator.jdrupes.org");
            say.say("making " + NAMESPACE + " a pool namespace and letting group `user` (and carol) use it");
            quietly(TestUser.ROOT, "create namespace " + NAMESPACE);
            quietly(TestUser.ROOT, "apply -k " + repo.resolve("manifests/pool-namespace") + " -n " + NAMESPACE);
            quietly(TestUser.ROOT, "apply -f " + repo.resolve("manifests/samples/rolebindings.yaml"));
            quietly(TestUser.ROOT, "create rolebinding vmpools-carol --clusterrole=vmpools-user --user=carol -n " + NAMESPACE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startComponents();
        say.say("waiting until the API server trusts the webhook (the certificate component injects its CA)");
        Path probe = write("probe.yaml", """
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: probe}
                spec:
                  permissions: [{role: user}]
                """);
        // A dry run passes through the webhook once the API server trusts it; it stores nothing.
        await("the webhook answers admission requests through the API server", () -> cp.kubectlResult(TestUser.ADMIN,
                "create", "--dry-run=server", "-n", NAMESPACE, "-f", probe.toString()).exitCode() == 0 ? Boolean.TRUE : null);

        say.say("an administrator creates the pool " + POOL + " with retention " + retention
                + " (assignments end that long after the user's console closes)");
        Path pool = write("pool.yaml", """
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VmPool
                metadata: {name: %s, namespace: %s}
                spec:
                  retention: "%s"
                  loginOnAssignment: true
                  permissions:
                  - user: admin
                    may: [accessConsole, start]
                  - role: user
                    may: [accessConsole, start]
                """.formatted(POOL, NAMESPACE, retention));
        show(TestUser.ADMIN, "create -f " + pool);
        Path vms = write("vms.yaml", vm("test-vm-1") + "---\n" + vm("test-vm-2"));
        say.say("the cluster administrator adds two VMs to it");
        show(TestUser.ROOT, "create -f " + vms);
        say.say("SIMULATED VM runner started: it plays VM-Operator's runner (Running follows spec.vm.state; consoles "
                + "open and close on cue). No real VM runs here.");
        runner = new VmRunnerSimulator(root, NAMESPACE);
        running.add(runner);
    }

    /** The story; every step verifies its outcome. */
    public void tell() {
        say.blank();
        say.say("alice asks for a VM of pool " + POOL + " (she does not name herself: the webhook fills in spec.user)");
        request(TestUser.ALICE, "alice-" + POOL, true);
        String aliceVm = awaitAssigned("alice-" + POOL);
        // She opens the console as soon as she has the VM (below, once the story has shown the VM).
        runner.connect(aliceVm, "alice");
        awaitRunning(aliceVm);
        show(TestUser.ALICE, "get vma -n " + NAMESPACE);
        show(TestUser.ALICE, "get vms -n " + NAMESPACE + " -o custom-columns=NAME:.metadata.name,STATE:.spec.vm.state,"
                + "ASSIGNED-TO:.status.assignment.user");
        say.blank();
        say.say("alice opened the console of " + aliceVm + " (simulated) and works: while it is connected her assignment does not expire");
        await("alice's assignment shows no expiry while her console is connected",
                () -> status("alice-" + POOL).filter(s -> s.expiresAt() == null && s.lastUsed() != null).orElse(null));
        show(TestUser.ALICE, "get vma alice-" + POOL + " -n " + NAMESPACE);

        say.blank();
        say.say("bob asks too and gets the other VM");
        request(TestUser.BOB, "bob-" + POOL, true);
        String bobVm = awaitAssigned("bob-" + POOL);
        if (bobVm.equals(aliceVm)) {
            throw new DemoException("bob was given alice's VM " + aliceVm);
        }

        say.blank();
        say.say("carol has no grant in the pool: the webhook refuses her request, saying why");
        ControlPlane.Kubectl carol = request(TestUser.CAROL, "carol-" + POOL, false);
        if (carol.exitCode() == 0 || !carol.stderr().contains("denied")) {
            throw new DemoException("carol's request was not refused by the webhook: " + carol.stderr() + carol.stdout());
        }

        say.blank();
        say.say("dave asks while both VMs are taken: his request waits, and says why");
        request(TestUser.DAVE, "dave-" + POOL, true);
        Condition waiting = await("dave's request waits", () -> assigned("dave-" + POOL)
                .filter(c -> "Waiting".equals(c.getReason())).orElse(null));
        show(TestUser.DAVE, "get vma dave-" + POOL + " -n " + NAMESPACE
                + " -o jsonpath={.status.conditions[?(@.type==\"Assigned\")].message}");
        say.say("dave sees: " + waiting.getMessage());

        say.blank();
        say.say("bob is done and deletes his request: his VM is free at once and goes to dave, who waited");
        show(TestUser.BOB, "delete vma bob-" + POOL + " -n " + NAMESPACE);
        String daveVm = awaitAssigned("dave-" + POOL);
        if (!daveVm.equals(bobVm)) {
            throw new DemoException("dave was given " + daveVm + ", not bob's freed VM " + bobVm);
        }
        show(TestUser.DAVE, "get vma -n " + NAMESPACE);

        say.blank();
        say.say("alice closes the console (simulated): the pool's retention " + retention + " starts now");
        runner.disconnect(aliceVm);
        VmAssignmentStatus counting = await("alice's assignment shows when it expires",
                () -> status("alice-" + POOL).filter(s -> s.expiresAt() != null).orElse(null));
        show(TestUser.ALICE, "get vma alice-" + POOL + " -n " + NAMESPACE);
        say.say("... waiting until " + counting.expiresAt());
        Condition expired = await("alice's assignment expires", retention.plus(STEP_TIMEOUT),
                () -> assigned("alice-" + POOL).filter(c -> "Expired".equals(c.getReason())).orElse(null));
        say.say("expired: " + expired.getMessage());
        show(TestUser.ALICE, "get vma -n " + NAMESPACE);
        show(TestUser.ROOT, "get events -n " + NAMESPACE + " --field-selector involvedObject.name=alice-" + POOL);
        say.say("the Lease that held " + aliceVm + " has run out by its own fields; anyone can read it:");
        show(TestUser.ROOT, "get lease -n " + NAMESPACE + " -o custom-columns=NAME:.metadata.name,HOLDER:.spec.holderIdentity,"
                + "RENEWED:.spec.renewTime,SECONDS:.spec.leaseDurationSeconds,TRANSITIONS:.spec.leaseTransitions");
    }

    /** How to go on by hand. */
    public void explain() {
        say.blank();
        say.say("""
                the story is over; everything keeps running. Go on by hand:
                  export KUBECONFIG=%s
                  kubectl get vmpools,vma,vms,leases -n %s
                  kubectl describe vma alice-%s -n %s
                  kubectl --context alice -n %s create -f %s   # alice asks again (a new request: hers expired)
                  kubectl --context carol -n %s create -f %s    # refused: no grant
                request files are in %s
                users (kubectl contexts, tokens in %s): root (system:masters), admin (vmpools:admins),
                alice, bob, dave (group user), carol (no group)
                kubectl is %s
                Ctrl-C stops everything.""".formatted(cp.kubeconfig(), NAMESPACE, POOL, NAMESPACE, NAMESPACE,
                write("alice-again.yaml", assignment("alice-again", null)), NAMESPACE, files.resolve("carol-" + POOL + ".yaml"),
                files, cp.stateDir().resolve("tokens.csv"), cp.binaries().kubectl()));
    }

    /** The VM of an assignment, once it is Assigned. */
    public String awaitAssigned(String name) {
        return await(name + " is assigned", () -> assigned(name).filter(c -> ConditionTypes.TRUE.equals(c.getStatus()))
                .flatMap(c -> status(name)).map(VmAssignmentStatus::vm).orElse(null));
    }

    public Optional<VmAssignmentStatus> status(String name) {
        return Optional.ofNullable(root.resources(VmAssignment.class).inNamespace(NAMESPACE).withName(name).get())
                .map(VmAssignment::getStatus);
    }

    public Optional<Condition> assigned(String name) {
        return status(name).map(VmAssignmentStatus::conditions).flatMap(conditions -> conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> ConditionTypes.ASSIGNED.equals(c.getType())).findFirst());
    }

    private void awaitRunning(String vm) {
        await(vm + " is running", () -> Optional.ofNullable(root.resources(VirtualMachine.class).inNamespace(NAMESPACE).withName(vm).get())
                .flatMap(v -> v.condition(ConditionTypes.RUNNING)).filter(c -> ConditionTypes.TRUE.equals(c.getStatus())).orElse(null));
        say.say(vm + " was started for its user (spec.vm.state: Running; the runner reports Running)");
    }

    private ControlPlane.Kubectl request(TestUser user, String name, boolean mustSucceed) {
        Path file = write(name + ".yaml", assignment(name, null));
        return mustSucceed ? show(user, "create -n " + NAMESPACE + " -f " + file) : attempt(user, "create -n " + NAMESPACE + " -f " + file);
    }

    private void startComponents() {
        KubernetesClient webhookIdentity = cp.newClient(TestUser.WEBHOOK);
        KubernetesClient schedulerIdentity = cp.newClient(TestUser.SCHEDULER);
        running.add(webhookIdentity);
        running.add(schedulerIdentity);
        Map<String, String> options = Map.of("host", "127.0.0.1", "port", Integer.toString(webhookPort),
                "pool-namespaces", NAMESPACE, "instance", "demo", "extra-names", "127.0.0.1", "metrics-port", "0",
                "propagation-delay", "PT2S");
        try {
            say.say("starting the certificate component and the webhook (as system:serviceaccount:vmpools-system:webhook, "
                    + "port " + webhookPort + ") and the scheduler (as system:serviceaccount:vmpools-system:scheduler)");
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            running.add(CertificateComponent.start(CertsConfig.from(options, "demo"), webhookIdentity, registry,
                    InstantSource.system()));
            running.add(Webhook.start(WebhookConfig.from(options, "demo"), webhookIdentity, registry));
            running.add(Scheduler.start(SchedulerConfig.from(options), schedulerIdentity, InstantSource.system()));
        } catch (Exception e) {
            throw new DemoException("starting the components failed: " + e);
        }
    }

    /** Runs kubectl as {@code user}, shows the command and what it printed, and stops the demo if it fails. */
    private ControlPlane.Kubectl show(TestUser user, String arguments) {
        ControlPlane.Kubectl result = attempt(user, arguments);
        if (result.exitCode() != 0) {
            throw new DemoException("kubectl " + arguments + " as " + user.userName() + " failed: " + result.stderr());
        }
        return result;
    }

    /** Runs kubectl as {@code user} and shows the command and what it printed, whatever the outcome. */
    private ControlPlane.Kubectl attempt(TestUser user, String arguments) {
        ControlPlane.Kubectl result = cp.kubectlResult(user, arguments.split(" "));
        say.command("kubectl " + (user == TestUser.ROOT ? "" : "--context " + user.context() + " ")
                + arguments.replace(files + "/", ""), result.stdout() + result.stderr());
        return result;
    }

    /** Runs kubectl as {@code user} without showing it; stops the demo if it fails. */
    private void quietly(TestUser user, String arguments) {
        ControlPlane.Kubectl result = cp.kubectlResult(user, arguments.split(" "));
        if (result.exitCode() != 0) {
            throw new DemoException("kubectl " + arguments + " as " + user.userName() + " failed: " + result.stderr());
        }
    }

    private <T> T await(String step, Supplier<T> outcome) {
        return await(step, STEP_TIMEOUT, outcome);
    }

    private static <T> T await(String step, Duration timeout, Supplier<T> outcome) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            T value = outcome.get();
            if (value != null) {
                return value;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new DemoException("demo step '" + step + "' did not happen within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoException("interrupted during demo step '" + step + "'");
            }
        }
    }

    private static String assignment(String name, String user) {
        return """
                apiVersion: vmpools.dev/v1alpha1
                kind: VmAssignment
                metadata: {name: %s}
                spec:
                  pool: %s
                """.formatted(name, POOL) + (user == null ? "" : "  user: " + user + "\n");
    }

    private static String vm(String name) {
        return """
                apiVersion: vmoperator.jdrupes.org/v1
                kind: VirtualMachine
                metadata: {name: %s, namespace: %s}
                spec:
                  pools: [%s]
                  vm: {state: Stopped, maximumCpus: 2, maximumRam: 4G}
                """.formatted(name, NAMESPACE, POOL);
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(files.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (AutoCloseable component : running.reversed()) {
            try {
                component.close();
            } catch (Exception e) {
                System.getLogger(DemoStory.class.getName()).log(System.Logger.Level.WARNING, "stopping " + component, e);
            }
        }
        running.clear();
    }
}
