package dev.vmpools.app;

import java.util.Arrays;

/** Entry point of the jar: dispatches {@code demo} and {@code run <component>}. The only place that exits. */
public final class VmpoolsMain {
    private VmpoolsMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        int code = switch (command) {
            case "demo" -> DemoMain.run(rest);
            case "run" -> RunCommand.run(Arrays.asList(rest), System.getenv());
            default -> {
                System.err.println("usage: java -jar vmpools.jar demo | run <webhook|scheduler|certs|all> [options]");
                yield command.equals("help") ? 0 : 2;
            }
        };
        // Components run on non-daemon threads: end the process (its shutdown hooks stop them) with the outcome.
        System.exit(code);
    }
}
