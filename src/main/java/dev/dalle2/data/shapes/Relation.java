package dev.dalle2.data.shapes;

/** Where the first shape of a pair is relative to the second. */
public enum Relation implements Worded {
    ABOVE("above", 0, -1),
    BELOW("below", 0, 1),
    LEFT_OF("left of", -1, 0),
    RIGHT_OF("right of", 1, 0);

    private final String word;
    private final int dx;
    private final int dy;

    Relation(String word, int dx, int dy) {
        this.word = word;
        this.dx = dx;
        this.dy = dy;
    }

    @Override
    public String word() {
        return word;
    }

    /** Whether the shapes are stacked vertically (above, below) rather than side by side. */
    public boolean vertical() {
        return dy != 0;
    }

    /** Whether the first shape comes first in reading order: above or left of the second. */
    public boolean firstLeads() {
        return dx + dy < 0;
    }

    /** The relation of a shape centred at (x0, y0) to one at (x1, y1), along the axis where they are further apart. */
    public static Relation between(double x0, double y0, double x1, double y1) {
        double dx = x0 - x1;
        double dy = y0 - y1;
        if (Math.abs(dy) >= Math.abs(dx)) {
            return dy < 0 ? ABOVE : BELOW;
        }
        return dx < 0 ? LEFT_OF : RIGHT_OF;
    }
}
