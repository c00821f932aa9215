package dev.dalle2.eval;

import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeMatch;

/**
 * Accuracy totals over scored images: kind, colour and both right over one-shape captions, and
 * the relation right over two-shape captions. An accuracy over no images is NaN.
 */
public final class ShapesEvaluation {
    private int oneShape;
    private int shapeRight;
    private int colourRight;
    private int bothRight;
    private int twoShape;
    private int relationRight;

    /** Counts one image scored against its expected attributes. */
    public void add(ShapeAttributes expected, ShapeMatch match) {
        if (expected.shapes().size() == 1) {
            oneShape++;
            shapeRight += match.shape() ? 1 : 0;
            colourRight += match.colour() ? 1 : 0;
            bothRight += match.shape() && match.colour() ? 1 : 0;
        } else {
            twoShape++;
            relationRight += Boolean.TRUE.equals(match.relation()) ? 1 : 0;
        }
    }

    public int images() {
        return oneShape + twoShape;
    }

    public int oneShapeImages() {
        return oneShape;
    }

    public int twoShapeImages() {
        return twoShape;
    }

    public double shapeAccuracy() {
        return (double) shapeRight / oneShape;
    }

    public double colourAccuracy() {
        return (double) colourRight / oneShape;
    }

    public double bothAccuracy() {
        return (double) bothRight / oneShape;
    }

    public double relationAccuracy() {
        return (double) relationRight / twoShape;
    }
}
