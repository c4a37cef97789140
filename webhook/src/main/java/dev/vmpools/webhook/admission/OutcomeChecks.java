package dev.vmpools.webhook.admission;

import java.util.regex.Pattern;

/** The checks shared by the {@link AdmissionOutcome} records. */
final class OutcomeChecks {

    static final Pattern PASCAL_CASE = Pattern.compile("[A-Z][A-Za-z0-9]*");
    /** The longest name part of a qualified name. */
    static final int MAX_ANNOTATION_KEY_LENGTH = 63;

    private OutcomeChecks() {
    }

    /**
     * A qualified name without prefix (the API server adds the webhook's name as the prefix): 1 to 63 of
     * {@code [-A-Za-z0-9_.]}, alphanumeric at both ends. Checked by hand, not by a regular expression: every
     * answer's annotations pass here.
     */
    static boolean isAnnotationKey(String key) {
        int length = key.length();
        if (length == 0 || length > MAX_ANNOTATION_KEY_LENGTH || !isAlphanumeric(key.charAt(0))
                || !isAlphanumeric(key.charAt(length - 1))) {
            return false;
        }
        for (int i = 1; i < length - 1; i++) {
            char c = key.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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
