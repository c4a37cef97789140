package dev.vmpools.api.names;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A name as the value of a label such as {@code vmpools.dev/user}. A name that is a valid label value
 * is used as it is. Any other name is sanitized (other characters become {@code -}, ends trimmed to
 * an alphanumeric, shortened) and given a hash of the full name, so different names get different
 * values; the full name then goes into the annotation of the same key.
 *
 * <p>Labels are an index, not the truth: a deliberately chosen name can equal another's hashed
 * value, so whoever selects by label compares the full name ({@code spec.user}, {@code spec.pool}).
 *
 * @param value the label value
 * @param needsAnnotation true when {@code value} is not the name itself
 */
public record LabelValue(String value, boolean needsAnnotation) {
    public static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final int MAX_SANITIZED = MAX_LENGTH - 1 - ShortHash.LENGTH;

    public LabelValue {
        if (!isValid(value)) {
            throw new IllegalArgumentException("value must be a valid label value, got \"" + value + "\"");
        }
    }

    /** The label value for a name. */
    public static LabelValue of(String name) {
        Objects.requireNonNull(name, "name");
        if (isValid(name)) {
            return new LabelValue(name, false);
        }
        String sanitized = trimToAlphanumeric(name.replaceAll("[^A-Za-z0-9._-]", "-"));
        if (sanitized.length() > MAX_SANITIZED) {
            sanitized = trimToAlphanumeric(sanitized.substring(0, MAX_SANITIZED));
        }
        String hash = ShortHash.of(name);
        return new LabelValue(sanitized.isEmpty() ? hash : sanitized + "-" + hash, true);
    }

    /** Kubernetes' rule for label values: at most 63 of [A-Za-z0-9._-], alphanumeric at both ends, or empty. */
    public static boolean isValid(String value) {
        return value != null && value.length() <= MAX_LENGTH && VALID.matcher(value).matches();
    }

    private static String trimToAlphanumeric(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && !isAlphanumeric(text.charAt(start))) {
            start++;
        }
        while (end > start && !isAlphanumeric(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
