package dev.vmpools.controlplane;

import java.util.concurrent.CountDownLatch;

/**
 * Starts a control plane and keeps it until this process ends (Ctrl-C) or, with
 * {@code --until-stdin-closes}, until standard input closes. Prints {@code READY} and the server
 * pids once the servers answer, so scripts and tests can wait for it.
 */
public final class ControlPlaneMain {
    private ControlPlaneMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean untilStdinCloses = args.length > 0 && args[0].equals("--until-stdin-closes");
        ControlPlane plane = ControlPlane.start();
        Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "control-plane-stop"));
        System.out.println("kubeconfig: " + plane.kubeconfig());
        System.out.println("READY " + plane.serverPids());
        System.out.flush();
        if (untilStdinCloses) {
            while (System.in.read() >= 0) {
                // Wait for the end of standard input.
            }
            plane.close();
        } else {
            new CountDownLatch(1).await();
        }
    }
}
