package dev.dalle2.data.shapes;

import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * The kinds of shape, each an outline in a unit box. Every outline is drawn so that its bounding
 * box's longer side is the shape's size: the triangle points up and fills its box, the star has
 * five points, the cross is a plus sign with arms 0.36 of its side wide.
 */
public enum ShapeType implements Worded {
    CIRCLE("circle", new Ellipse2D.Double(0, 0, 1, 1)),
    SQUARE("square", polygon(0, 0, 1, 0, 1, 1, 0, 1)),
    TRIANGLE("triangle", polygon(0.5, 0, 1, 1, 0, 1)),
    DIAMOND("diamond", polygon(0.5, 0, 1, 0.5, 0.5, 1, 0, 0.5)),
    STAR("star", star(5, 0.45)),
    CROSS("cross", cross(0.36));

    private final String word;
    private final Shape unit;

    ShapeType(String word, Shape unit) {
        this.word = word;
        this.unit = unit;
    }

    @Override
    public String word() {
        return word;
    }

    /** The outline in pixel coordinates: bounding box centred on (cx, cy), its longer side {@code side} pixels. */
    public Shape outline(double cx, double cy, double side) {
        Rectangle2D bounds = unit.getBounds2D();
        double scale = side / Math.max(bounds.getWidth(), bounds.getHeight());
        AffineTransform t = AffineTransform.getTranslateInstance(cx, cy);
        t.scale(scale, scale);
        t.translate(-bounds.getCenterX(), -bounds.getCenterY());
        return t.createTransformedShape(unit);
    }

    private static Shape polygon(double... xy) {
        Path2D.Double path = new Path2D.Double();
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            path.lineTo(xy[i], xy[i + 1]);
        }
        path.closePath();
        return path;
    }

    /** A star with {@code points} points pointing up; {@code inner} is the inner radius over the outer one. */
    private static Shape star(int points, double inner) {
        double[] xy = new double[4 * points];
        for (int i = 0; i < 2 * points; i++) {
            double angle = -Math.PI / 2 + i * Math.PI / points;
            double r = i % 2 == 0 ? 1 : inner;
            xy[2 * i] = r * Math.cos(angle);
            xy[2 * i + 1] = r * Math.sin(angle);
        }
        return polygon(xy);
    }

    /** A plus sign in the unit box with arms {@code arm} wide. */
    private static Shape cross(double arm) {
        double a = (1 - arm) / 2;
        double b = (1 + arm) / 2;
        return polygon(a, 0, b, 0, b, a, 1, a, 1, b, b, b, b, 1, a, 1, a, b, 0, b, 0, a, a, a);
    }
}
