package dev.dalle2.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How far an outpainting grows the canvas on each side, in pixels of the model's image size.
 *
 * @param left  pixels added on the left
 * @param right pixels added on the right
 * @param up    pixels added above
 * @param down  pixels added below
 */
public record Extension(int left, int right, int up, int down) {
    /** The sides {@link #of} knows: one side, or {@code all} four. */
    public static final List<String> SIDES = List.of("left", "right", "up", "down", "all");

    public Extension {
        if (left < 0 || right < 0 || up < 0 || down < 0) {
            throw new IllegalArgumentException("an extension cannot be negative");
        }
        if (left + right + up + down == 0) {
            throw new IllegalArgumentException("an extension must add pixels on at least one side");
        }
    }

    /** {@code pixels} on {@code side}, one of {@link #SIDES}. */
    public static Extension of(String side, int pixels) {
        return switch (side) {
            case "left" -> new Extension(pixels, 0, 0, 0);
            case "right" -> new Extension(0, pixels, 0, 0);
            case "up" -> new Extension(0, 0, pixels, 0);
            case "down" -> new Extension(0, 0, 0, pixels);
            case "all" -> new Extension(pixels, pixels, pixels, pixels);
            default -> throw new IllegalArgumentException("unknown side '" + side + "' (use " + String.join(", ", SIDES) + ")");
        };
    }

    /**
     * The top-left corners (y, x) of S × S windows covering an H × W canvas (H, W ≥ S), half overlapping (stride
     * S/2, the last window flush with the far edge), nearest first to the point (cy, cx), the original's centre.
     */
    static List<int[]> windows(int h, int w, int s, double cy, double cx) {
        List<int[]> windows = new ArrayList<>();
        for (int y : starts(h, s)) {
            for (int x : starts(w, s)) {
                windows.add(new int[] {y, x});
            }
        }
        windows.sort(Comparator.comparingDouble(yx -> Math.hypot(yx[0] + s / 2.0 - cy, yx[1] + s / 2.0 - cx)));
        return windows;
    }

    private static List<Integer> starts(int length, int s) {
        List<Integer> starts = new ArrayList<>();
        int stride = Math.max(1, s / 2);
        for (int p = 0; p < length - s; p += stride) {
            starts.add(p);
        }
        starts.add(length - s);
        return starts;
    }
}
