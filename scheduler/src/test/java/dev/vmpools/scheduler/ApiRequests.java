package dev.vmpools.scheduler;

import dev.vmpools.controlplane.ControlPlane;
import dev.vmpools.controlplane.TestUser;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the API server counted in {@code apiserver_request_total}, summed by verb, resource and subresource: two
 * snapshots give the requests a benchmark caused (WATCH counts connections, not events). Everything that talks to
 * the control plane is counted, so a benchmark reads it while only its own clients and the scheduler run.
 */
record ApiRequests(Map<String, Double> byKind) {
    private static final Pattern LINE = Pattern.compile("^apiserver_request_total\\{([^}]*)}\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    static ApiRequests read(ControlPlane cp) {
        String text = cp.get(TestUser.ROOT, "/metrics").body();
        Map<String, Double> counts = new TreeMap<>();
        text.lines().forEach(line -> {
            Matcher matcher = LINE.matcher(line);
            if (!matcher.find()) {
                return;
            }
            Map<String, String> labels = new TreeMap<>();
            Matcher label = LABEL.matcher(matcher.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
            String subresource = labels.getOrDefault("subresource", "");
            String kind = labels.getOrDefault("verb", "?") + " " + labels.getOrDefault("resource", "?")
                    + (subresource.isEmpty() ? "" : "/" + subresource);
            counts.merge(kind, Double.parseDouble(matcher.group(2)), Double::sum);
        });
        return new ApiRequests(counts);
    }

    /** The requests counted since {@code before}, by kind, leaving out kinds that did not grow. */
    ApiRequests since(ApiRequests before) {
        Map<String, Double> diff = new TreeMap<>();
        byKind.forEach((kind, count) -> {
            double grown = count - before.byKind.getOrDefault(kind, 0.0);
            if (grown > 0) {
                diff.put(kind, grown);
            }
        });
        return new ApiRequests(diff);
    }

    /** Requests that change something (not GET, LIST or WATCH). */
    double writes() {
        return byKind.entrySet().stream().filter(e -> isWrite(e.getKey())).mapToDouble(Map.Entry::getValue).sum();
    }

    /** Reads that are not watches. */
    double reads() {
        return byKind.entrySet().stream().filter(e -> e.getKey().startsWith("GET ") || e.getKey().startsWith("LIST "))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The writes per unit (e.g. per assignment), largest first: {@code PATCH vms/status 2.0, ...}. */
    String writesPer(double units) {
        return byKind.entrySet().stream().filter(e -> isWrite(e.getKey()))
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.2f", e.getKey(), e.getValue() / units))
                .collect(Collectors.joining(", "));
    }

    private static boolean isWrite(String kind) {
        return !(kind.startsWith("GET ") || kind.startsWith("LIST ") || kind.startsWith("WATCH "));
    }
}
