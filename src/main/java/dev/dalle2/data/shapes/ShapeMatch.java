package dev.dalle2.data.shapes;

/**
 * How an image agrees with its expected attributes: every shape's kind right, every shape's
 * colour right, and the relation right ({@code null} when one shape is expected).
 */
public record ShapeMatch(boolean shape, boolean colour, Boolean relation) {
    /** Whether every criterion holds. */
    public boolean all() {
        return shape && colour && (relation == null || relation);
    }
}
