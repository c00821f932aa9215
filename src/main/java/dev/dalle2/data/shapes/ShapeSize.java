package dev.dalle2.data.shapes;

/**
 * Small or large, as the side of the shape's bounding box over the image side: a shape alone is
 * 0.35 or 0.65, each of a pair 0.28 or 0.40 (so that two large shapes fit side by side); the
 * generator adds up to ±0.03 (alone) or ±0.02 (pair) of jitter.
 */
public enum ShapeSize implements Worded {
    SMALL("small", 0.35, 0.28),
    LARGE("large", 0.65, 0.40);

    private final String word;
    private final double alone;
    private final double paired;

    ShapeSize(String word, double alone, double paired) {
        this.word = word;
        this.alone = alone;
        this.paired = paired;
    }

    @Override
    public String word() {
        return word;
    }

    /** The nominal extent (bounding-box side over image side) in an image with {@code shapes} shapes. */
    public double extent(int shapes) {
        return shapes == 1 ? alone : paired;
    }

    /** The largest jitter the generator adds to {@link #extent(int)}. */
    public static double jitter(int shapes) {
        return shapes == 1 ? 0.03 : 0.02;
    }
}
