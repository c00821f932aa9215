package dev.dalle2.data.shapes;

/**
 * A shape found in an image by {@link ShapeScorer}: its kind and colour, the centre of its
 * bounding box (x, y as fractions of the image width and height), its pixel count, and how well
 * the chosen kind's outline fits it (soft intersection over union, 0 to 1).
 */
public record DetectedShape(ShapeType shape, ShapeColour colour, double x, double y, int pixels, double fit) {}
