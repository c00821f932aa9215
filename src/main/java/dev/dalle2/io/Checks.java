package dev.dalle2.io;

import java.util.List;

/**
 * Range checks for the fields of configs and recipes, called from the records' compact constructors; each
 * failure is a {@link BadValueException} naming the key. NaN passes no check.
 */
public final class Checks {
    private Checks() {}

    /** {@code value}, or an error when it is null (the key is missing). */
    public static <T> T present(String key, T value) {
        if (value == null) {
            throw new BadValueException(key, null, null);
        }
        return value;
    }

    /** An error unless {@code ok}: {@code key: must be REQUIREMENT, got VALUE}. */
    public static void require(boolean ok, String key, String requirement, Object value) {
        if (!ok) {
            throw new BadValueException(key, requirement, value);
        }
    }

    /** A count or size of at least {@code min}. */
    public static void atLeast(String key, long value, long min) {
        require(value >= min, key, "at least " + min, value);
    }

    /** A finite number > 0 (a learning rate, a scale). */
    public static void positive(String key, double value) {
        require(value > 0 && Double.isFinite(value), key, "> 0", value);
    }

    /** A finite number >= 0 (a decay, a clipping norm where 0 means none). */
    public static void nonNegative(String key, double value) {
        require(value >= 0 && Double.isFinite(value), key, ">= 0", value);
    }

    /** A probability or ratio in [0, 1]. */
    public static void probability(String key, double value) {
        require(value >= 0 && value <= 1, key, "in [0, 1]", value);
    }

    /** A fraction in [0, 1) (a dropout rate, an EMA decay). */
    public static void fraction(String key, double value) {
        require(value >= 0 && value < 1, key, "in [0, 1)", value);
    }

    /** A list of at least one value, each at least {@code min} (a channel multiplier per level, a resolution). */
    public static List<Integer> eachAtLeast(String key, List<Integer> values, int min) {
        present(key, values);
        for (int i = 0; i < values.size(); i++) {
            Integer v = values.get(i);
            require(v != null && v >= min, key + "[" + i + "]", "at least " + min, v);
        }
        return List.copyOf(values);
    }

    /** A head count that splits {@code width} (named {@code widthKey}) evenly. */
    public static void divides(String key, int heads, String widthKey, int width) {
        atLeast(key, heads, 1);
        require(width % heads == 0, key, "a divisor of " + widthKey + " " + width, heads);
    }

    /** One of the {@code allowed} names. */
    public static void oneOf(String key, String value, List<String> allowed) {
        require(value != null && allowed.contains(value), key, ConfigFile.words(allowed), value);
    }
}
