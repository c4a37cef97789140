package dev.vmpools.scheduler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time used by named processes (user + system, from {@code /proc/<pid>/stat}) and by the whole machine (from
 * {@code /proc/stat}): two snapshots tell who used the cores during a benchmark run. Linux only; clock ticks of
 * 10 ms.
 *
 * @param byProcess CPU milliseconds by name
 * @param machineBusy CPU milliseconds the machine spent busy, all processes
 * @param machineTotal CPU milliseconds the machine had (busy and idle, all cores)
 */
record CpuTimes(Map<String, Double> byProcess, double machineBusy, double machineTotal) {
    private static final double TICK_MILLIS = 10;

    static CpuTimes read(Map<String, Long> pids) {
        Map<String, Double> byProcess = new LinkedHashMap<>();
        pids.forEach((name, pid) -> byProcess.put(name, processMillis(pid)));
        double busy = 0;
        double total = 0;
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                double ticks = Double.parseDouble(cpu[i]);
                total += ticks;
                if (i != 4 && i != 5) {
                    busy += ticks;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no machine figures
        }
        return new CpuTimes(byProcess, busy * TICK_MILLIS, total * TICK_MILLIS);
    }

    private static double processMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Double.parseDouble(fields[11]) + Double.parseDouble(fields[12])) * TICK_MILLIS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    CpuTimes since(CpuTimes before) {
        Map<String, Double> used = new LinkedHashMap<>();
        byProcess.forEach((name, millis) -> used.put(name, millis - before.byProcess.getOrDefault(name, Double.NaN)));
        return new CpuTimes(used, machineBusy - before.machineBusy, machineTotal - before.machineTotal);
    }

    /** {@code kube-apiserver 12.3, etcd 4.5, ...} milliseconds per unit, and the machine's busy share. */
    String per(double units) {
        double named = byProcess.values().stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).sum();
        return byProcess.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / units))
                .collect(Collectors.joining(", "))
                + String.format(Locale.ROOT, ", everything else %.1f ms; machine %.0f%% busy",
                        (machineBusy - named) / units, machineTotal > 0 ? 100 * machineBusy / machineTotal : 0);
    }
}
