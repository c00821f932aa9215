package dev.dalle2.data.shapes;

import java.util.ArrayList;
import java.util.List;

/**
 * A colour-and-shape pair such as "red star": the unit of the shapes dataset's held-out
 * combinations, which training never shows so that evaluation can test generalisation.
 */
public record ShapeCombo(ShapeColour colour, ShapeType shape) {
    /** Parses a comma-separated list such as {@code "red star, blue circle"}; an empty text gives an empty list. */
    public static List<ShapeCombo> parseList(String text) {
        List<ShapeCombo> combos = new ArrayList<>();
        for (String part : text.split(",")) {
            String[] words = part.strip().split("\\s+");
            if (words.length == 1 && words[0].isEmpty()) {
                continue;
            }
            if (words.length != 2) {
                throw new IllegalArgumentException("'" + part.strip() + "' is not a colour and a shape, e.g. 'red star'");
            }
            combos.add(new ShapeCombo(Worded.byWord(ShapeColour.values(), words[0], "colour"),
                    Worded.byWord(ShapeType.values(), words[1], "shape")));
        }
        return combos;
    }

    /** Whether {@code spec} draws this combination. */
    public boolean matches(ShapeSpec spec) {
        return spec.colour() == colour && spec.shape() == shape;
    }

    @Override
    public String toString() {
        return colour.word() + " " + shape.word();
    }
}
