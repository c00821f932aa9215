package dev.dalle2.data.shapes;

import java.util.Objects;

/**
 * One shape of an image: kind, colour and size class, with the centre (x, y) and the extent (the
 * bounding box's longer side) as fractions of the image side; y grows downwards.
 */
public record ShapeSpec(ShapeType shape, ShapeColour colour, ShapeSize size, double x, double y, double extent) {
    public ShapeSpec {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(size, "size");
        if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1 && extent > 0 && extent <= 1)) {
            throw new IllegalArgumentException("shape centre and extent must be fractions of the image side, got x="
                    + x + ", y=" + y + ", extent=" + extent);
        }
    }

    /** This shape with its centre and extent replaced. */
    public ShapeSpec placed(double x, double y, double extent) {
        return new ShapeSpec(shape, colour, size, x, y, extent);
    }
}
