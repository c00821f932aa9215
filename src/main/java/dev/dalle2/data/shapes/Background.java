package dev.dalle2.data.shapes;

import java.awt.Color;

/** The plain backgrounds, each at least about 90 (Euclidean RGB distance) from every {@link ShapeColour}. */
public enum Background implements Worded {
    WHITE("white", 255, 255, 255),
    LIGHT_GREY("light grey", 205, 205, 205),
    DARK_GREY("dark grey", 60, 60, 60),
    BEIGE("beige", 235, 225, 200);

    private final String word;
    private final Color color;

    Background(String word, int r, int g, int b) {
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
}
