package dev.vmpools.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** No server outlives the JVM that started it, even when that JVM is killed with SIGKILL. */
class SupervisorIT {

    @Test
    void sigkillOfTheJvmLeavesNoServerRunning() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ControlPlaneMain.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Long> pids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern pid = Pattern.compile("=(\\d+)");
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("READY ")) {
                    Matcher m = pid.matcher(line);
                    while (m.find()) {
                        pids.add(Long.parseLong(m.group(1)));
                    }
                    break;
                }
            }
            assertThat(pids).as("etcd, kube-apiserver and kube-controller-manager running").hasSize(3)
                    .allMatch(p -> ProcessHandle.of(p).isPresent());

            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            jvm.destroyForcibly();
        }

        await().atMost(Duration.ofSeconds(20))
                .until(() -> pids.stream().noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void sweepEndsServersOfRunsWhoseOwnerIsGone() throws Exception {
        Binaries binaries = Binaries.locate();
        Path runs = Files.createTempDirectory("vmpools-runs");
        Path run = Files.createDirectories(runs.resolve("cp-dead"));
        // A server started by a supervisor that outlived its owner: here the supervisor runs `sleep`.
        Process supervisor = new ProcessBuilder(binaries.supervise().toString(), "-pidfile", run.resolve("sleep.pid").toString(),
                "--", "sleep", "600").start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(run.resolve("sleep.pid")));
            long sleeper = Long.parseLong(Files.readString(run.resolve("sleep.pid")).strip());
            Files.writeString(run.resolve("supervise.pid"), supervisor.pid() + "\n");
            Files.writeString(run.resolve(LeftoverSweeper.OWNER_FILE), "999999999 \n"); // no such process

            int killed = LeftoverSweeper.sweep(runs, binaries.dir());

            assertThat(killed).isEqualTo(1); // `sleep` is not one of our binaries: left to its supervisor
            await().atMost(Duration.ofSeconds(10)).until(() -> !supervisor.isAlive()
                    && ProcessHandle.of(sleeper).map(p -> !p.isAlive()).orElse(true));
            assertThat(run).doesNotExist();
        } finally {
            supervisor.destroyForcibly();
            LeftoverSweeper.deleteTree(runs);
        }
    }
}
