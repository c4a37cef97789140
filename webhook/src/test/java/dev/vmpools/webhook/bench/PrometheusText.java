package dev.vmpools.webhook.bench;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sums of series in a Prometheus text exposition, for the before/after differences of a benchmark. */
final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})?\\s+([0-9.eE+-]+|NaN)$",
            Pattern.MULTILINE);

    private PrometheusText() {
    }

    /** The sum of every sample of {@code metric} whose labels (the text between the braces) pass {@code labels}. */
    static double sum(String text, String metric, Predicate<String> labels) {
        double sum = 0;
        Matcher matcher = SAMPLE.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).equals(metric) && labels.test(matcher.group(3) == null ? "" : matcher.group(3))
                    && !matcher.group(4).equals("NaN")) {
                sum += Double.parseDouble(matcher.group(4));
            }
        }
        return sum;
    }
}
