package dev.dalle2.data.shapes;

import java.awt.Color;

/** The shape colours: eight fixed sRGB colours at least about 100 apart (Euclidean RGB distance) from each other. */
public enum ShapeColour implements Worded {
    RED("red", 220, 40, 40),
    ORANGE("orange", 250, 130, 0),
    YELLOW("yellow", 240, 225, 40),
    GREEN("green", 40, 170, 60),
    CYAN("cyan", 40, 200, 220),
    BLUE("blue", 40, 70, 220),
    PURPLE("purple", 140, 50, 190),
    PINK("pink", 245, 120, 200);

    private final String word;
    private final Color color;

    ShapeColour(String word, int r, int g, int b) {
        this.word = word;
        this.color = new Color(r, g, b);
    }

    @Override
    public String word() {
        return word;
    }

    public Color color() {
        return color;
    }

    /** The palette colour nearest to (r, g, b) in Euclidean RGB distance. */
    public static ShapeColour nearest(double r, double g, double b) {
        ShapeColour best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (ShapeColour c : values()) {
            double dr = r - c.color.getRed();
            double dg = g - c.color.getGreen();
            double db = b - c.color.getBlue();
            double distance = dr * dr + dg * dg + db * db;
            if (distance < bestDistance) {
                best = c;
                bestDistance = distance;
            }
        }
        return best;
    }
}
