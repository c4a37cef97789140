package dev.vmpools.app;

import dev.vmpools.app.demo.DemoException;
import dev.vmpools.app.demo.DemoStory;
import dev.vmpools.app.demo.Narrator;
import dev.vmpools.controlplane.ControlPlane;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;

/**
 * {@code ./vmpools demo [--retention=PT30S] [--exit]}: starts the embedded control plane, installs vmpools, runs its
 * components and tells the story of {@link DemoStory}; then keeps everything running until Ctrl-C (or, with
 * {@code --exit}, stops at once).
 */
final class DemoMain {
    private DemoMain() {
    }

    static int run(String[] args) throws InterruptedException {
        Duration retention = Duration.ofSeconds(30);
        boolean exit = false;
        for (String arg : args) {
            if (arg.startsWith("--retention=")) {
                try {
                    retention = Duration.parse(arg.substring("--retention=".length()));
                } catch (DateTimeParseException e) {
                    System.err.println("vmpools demo: " + arg + ": not an ISO 8601 duration such as PT30S");
                    return 2;
                }
            } else if (arg.equals("--exit")) {
                exit = true;
            } else {
                System.err.println("usage: vmpools demo [--retention=PT30S] [--exit]");
                return arg.equals("--help") ? 0 : 2;
            }
        }
        LogFormat.install(false, Level.WARNING);
        Narrator say = new Narrator(System.out);
        say.say("starting etcd, kube-apiserver and kube-controller-manager on 127.0.0.1 (the first run builds them: minutes)");
        ControlPlane plane = ControlPlane.start();
        DemoStory story = new DemoStory(plane, say, retention);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say.say("stopping vmpools and the control plane");
            story.close();
            plane.close();
            stopped.countDown();
        }, "demo-stop"));
        try {
            story.install();
            story.tell();
            story.explain();
        } catch (DemoException e) {
            System.err.println("vmpools demo: " + e.getMessage());
            System.err.println("logs of the servers: " + plane.stateDir());
            return 1;
        }
        if (!exit) {
            stopped.await();
        }
        return 0;
    }
}
