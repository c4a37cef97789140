package dev.vmpools.webhook.admission;

import java.util.regex.Pattern;

/** The checks shared by the {@link AdmissionOutcome} records. */
final class OutcomeChecks {

    static final Pattern PASCAL_CASE = Pattern.compile("[A-Z][A-Za-z0-9]*");
    /** A qualified name without prefix: the API server adds the webhook's name as the prefix. */
    static final Pattern ANNOTATION_KEY = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    private OutcomeChecks() {
    }

    /** Control characters become spaces; longer warnings are cut to the limit, ending in "...". */
    static String trimWarning(String warning) {
        StringBuilder clean = new StringBuilder(warning.length());
        warning.chars().forEach(c -> clean.append(Character.isISOControl(c) ? ' ' : (char) c));
        String text = clean.toString().strip();
        if (text.length() <= AdmissionOutcome.MAX_WARNING_LENGTH) {
            return text;
        }
        int end = AdmissionOutcome.MAX_WARNING_LENGTH - 3;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "...";
    }
}
