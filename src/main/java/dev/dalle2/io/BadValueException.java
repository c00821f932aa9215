package dev.dalle2.io;

/**
 * A config or recipe field whose value is out of range, or missing: names the key (relative to the
 * record that checks it, e.g. {@code emaDecay} or {@code data.dataset}), what it must be and what it
 * is, so that a reader of the file can say {@code training.emaDecay: must be in [0, 1), got 2.0} at
 * the key's line.
 */
public class BadValueException extends IllegalArgumentException {
    private final String key;
    private final String requirement;

    /**
     * @param key         the field, relative to the record that checks it
     * @param requirement what the value must be, e.g. {@code "in [0, 1)"}; null when the field is missing
     * @param value       the value found (strings are quoted and shortened)
     */
    public BadValueException(String key, String requirement, Object value) {
        super(key + ": " + problem(requirement, value));
        this.key = key;
        this.requirement = requirement;
    }

    /** The field, relative to the record that checks it. */
    public String key() {
        return key;
    }

    /** The message without the key: {@code must be in [0, 1), got 2.0}, or {@code missing}. */
    public String problem() {
        return getMessage().substring(key.length() + 2);
    }

    /** The message for a field the file does not give at all: {@code missing (must be > 0)}. */
    public String missing() {
        return requirement == null ? "missing" : "missing (must be " + requirement + ")";
    }

    private static String problem(String requirement, Object value) {
        if (requirement == null) {
            return "missing";
        }
        return "must be " + requirement + ", got " + (value instanceof String s ? Texts.quoted(s) : String.valueOf(value));
    }
}
