package dev.dalle2.data;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The entries a dataset reader passed over, counted by reason, and the shards it found damaged,
 * worded as one warning line:
 * {@code skipped 3 of 1000 entries: 2 unreadable images, 1 without a caption (first: images/x.png: …)},
 * followed, when a shard was cut short or empty, by {@code ; damaged shards: data/b.tar …}.
 */
public final class Skips {
    public static final String UNREADABLE = "unreadable images";
    public static final String NO_IMAGE = "without an image";
    public static final String NO_CAPTION = "without a caption";
    public static final String MALFORMED = "malformed lines";
    public static final String BAD_METADATA = "with malformed metadata";
    public static final String DUPLICATE = "duplicate entries";
    public static final String TRUNCATED = "in a truncated shard";

    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final List<String> shards = new ArrayList<>();
    private String first;

    /** Counts one entry passed over for {@code reason}; {@code detail} names where and why. */
    public synchronized void add(String reason, String detail) {
        counts.merge(reason, 1, Integer::sum);
        if (first == null) {
            first = detail;
        }
    }

    /** Notes a damaged shard (cut short, or empty); {@code problem} names the shard and says what is wrong. */
    public synchronized void addShard(String problem) {
        shards.add(problem);
    }

    /** How many entries were passed over (damaged shards not counted as such). */
    public synchronized int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The warning line, with {@code kept} entries kept; null when nothing was skipped and no shard was damaged. */
    public synchronized String warning(int kept) {
        List<String> parts = new ArrayList<>();
        if (!counts.isEmpty()) {
            String reasons = counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", "));
            parts.add("skipped " + total() + " of " + (kept + total()) + " entries: " + reasons + " (first: " + first + ")");
        }
        if (!shards.isEmpty()) {
            parts.add("damaged shards: " + String.join(", ", shards));
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /** Prints the warning line to {@code log} when anything was skipped or a shard was damaged. */
    public void report(int kept, PrintStream log) {
        String warning = warning(kept);
        if (warning != null) {
            log.println(warning);
        }
    }
}
