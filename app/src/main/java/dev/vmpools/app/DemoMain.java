package dev.vmpools.app;

import dev.vmpools.controlplane.Binaries;
import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code ./vmpools demo}: starts the embedded control plane, installs the CRDs from
 * {@code manifests/crds/} and shows a kubectl command that works against it; keeps running until
 * Ctrl-C, which stops every server.
 */
final class DemoMain {
    private DemoMain() {
    }

    static int run(String[] args) throws InterruptedException {
        Path repo = Binaries.repositoryRoot();
        say("starting etcd, kube-apiserver and kube-controller-manager on 127.0.0.1");
        ControlPlane plane = ControlPlane.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping the control plane");
            plane.close();
            stopped.countDown();
        }, "demo-stop"));
        for (Path crd : crdKustomizations(repo)) {
            say("installing " + repo.relativize(crd));
            System.out.print(plane.kubectl(TestUser.ROOT, "apply", "--server-side", "-k", crd.toString()));
        }
        String kubectl = plane.binaries().kubectl() + " --kubeconfig " + plane.kubeconfig();
        say("the API server answers at " + plane.apiServerUrl());
        say("$ " + kubectl + " get crds");
        System.out.print(plane.kubectl(TestUser.ROOT, "get", "crds"));
        say("""
                kubeconfig: %s (contexts: root, admin, alice, bob, dave, carol, ...; e.g. --context alice)
                try:        %s get crds
                Ctrl-C stops everything.""".formatted(plane.kubeconfig(), kubectl));
        stopped.await();
        return 0;
    }

    private static List<Path> crdKustomizations(Path repo) {
        Path crds = repo.resolve("manifests/crds");
        if (!Files.isDirectory(crds)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(crds)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void say(String line) {
        System.out.println("==> " + line);
        System.out.flush();
    }
}
