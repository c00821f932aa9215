package dev.dalle2.data;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The entries a dataset reader passed over, counted by reason, and worded as one warning line:
 * {@code skipped 3 of 1000 entries: 2 unreadable images, 1 without a caption (first: images/x.png: …)}.
 */
final class Skips {
    static final String UNREADABLE = "unreadable images";
    static final String NO_IMAGE = "without an image";
    static final String NO_CAPTION = "without a caption";
    static final String MALFORMED = "malformed lines";
    static final String BAD_METADATA = "with malformed metadata";

    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private String first;

    /** Counts one entry passed over for {@code reason}; {@code detail} names where and why. */
    synchronized void add(String reason, String detail) {
        counts.merge(reason, 1, Integer::sum);
        if (first == null) {
            first = detail;
        }
    }

    synchronized int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The warning line, with {@code kept} entries kept; null when nothing was skipped. */
    synchronized String warning(int kept) {
        if (counts.isEmpty()) {
            return null;
        }
        String reasons = counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        return "skipped " + total() + " of " + (kept + total()) + " entries: " + reasons + " (first: " + first + ")";
    }

    /** Prints the warning line to {@code log} when anything was skipped. */
    void report(int kept, PrintStream log) {
        String warning = warning(kept);
        if (warning != null) {
            log.println(warning);
        }
    }
}
