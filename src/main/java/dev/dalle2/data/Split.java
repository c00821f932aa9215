package dev.dalle2.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Objects;

/**
 * A deterministic train/validation split of a {@link CaptionDataset}, written {@code none}, {@code
 * fraction:F} or {@code group:NAME}. By fraction, an entry is for validation when the
 * {@linkplain #bucket bucket} of its key, a number in [0, 10000) from the key's SHA-256, is below
 * F·10000: the same key lands on the same side on every machine and in every form of the dataset
 * (folder or shards). By group, the entries whose group is NAME are the validation set (a held-out
 * style, for example).
 */
public record Split(Kind kind, double fraction, String group) {
    /** How entries are assigned. */
    public enum Kind { NONE, FRACTION, GROUP }

    /** Every entry is for training. */
    public static final Split NONE = new Split(Kind.NONE, 0, null);

    private static final int BUCKETS = 10_000;

    public Split {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.FRACTION && !(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("a split fraction must be in [0, 1], got " + fraction);
        }
        if (kind == Kind.GROUP && (group == null || group.isBlank())) {
            throw new IllegalArgumentException("a group split needs a group name");
        }
    }

    /** The entries whose key's bucket is below {@code fraction}·10000 are for validation. */
    public static Split fraction(double fraction) {
        return new Split(Kind.FRACTION, fraction, null);
    }

    /** The entries of {@code group} are for validation. */
    public static Split group(String group) {
        return new Split(Kind.GROUP, 0, group);
    }

    /** Parses {@code none}, {@code fraction:0.05} or {@code group:twemoji}; an IllegalArgumentException naming the spec otherwise. */
    public static Split parse(String spec) {
        String s = spec.strip();
        if (s.equals("none")) {
            return NONE;
        }
        if (s.startsWith("fraction:")) {
            try {
                return fraction(Double.parseDouble(s.substring("fraction:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("split '" + spec + "': the fraction is not a number");
            }
        }
        if (s.startsWith("group:") && !s.substring("group:".length()).isBlank()) {
            return group(s.substring("group:".length()));
        }
        throw new IllegalArgumentException("split '" + spec + "': expected none, fraction:F (e.g. fraction:0.05) or group:NAME");
    }

    /** Whether {@code entry} belongs to the validation set. */
    public boolean isValidation(CaptionDataset.Entry entry) {
        return switch (kind) {
            case NONE -> false;
            case FRACTION -> bucket(entry.key()) < Math.round(fraction * BUCKETS);
            case GROUP -> group.equals(entry.group());
        };
    }

    /** The key's bucket in [0, 10000): the first 8 bytes of the SHA-256 of its UTF-8 bytes, big-endian, unsigned, mod 10000. */
    public static int bucket(String key) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        long value = 0;
        for (int b = 0; b < 8; b++) {
            value = value << 8 | (digest[b] & 0xff);
        }
        return (int) Long.remainderUnsigned(value, BUCKETS);
    }

    /** The spec that {@link #parse} reads back. */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case FRACTION -> String.format(Locale.ROOT, "fraction:%s", fraction);
            case GROUP -> "group:" + group;
        };
    }
}
