package dev.dalle2.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeMatch;
import dev.dalle2.data.shapes.ShapeScorer;
import dev.dalle2.data.shapes.ShapesDataset;

import java.io.IOException;
import java.nio.file.Path;

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

    /**
     * The totals of a shapes folder ({@link ShapesDataset#load}: PNGs and {@code captions.jsonl}), each
     * image scored from its pixels against its attributes.
     */
    public static ShapesEvaluation score(Path folder) throws IOException {
        ShapesEvaluation evaluation = new ShapesEvaluation();
        for (ShapesDataset.Entry entry : ShapesDataset.load(folder)) {
            evaluation.add(entry.attributes(), ShapeScorer.matches(entry.attributes(), entry.read()));
        }
        return evaluation;
    }

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

    /** Images counted. */
    public int images() {
        return oneShape + twoShape;
    }

    /** Images of one-shape captions. */
    public int oneShapeImages() {
        return oneShape;
    }

    /** Images of two-shape captions. */
    public int twoShapeImages() {
        return twoShape;
    }

    /** The fraction of one-shape images whose shape kind is right. */
    public double shapeAccuracy() {
        return (double) shapeRight / oneShape;
    }

    /** The fraction of one-shape images whose colour is right. */
    public double colourAccuracy() {
        return (double) colourRight / oneShape;
    }

    /** The fraction of one-shape images whose kind and colour are both right. */
    public double bothAccuracy() {
        return (double) bothRight / oneShape;
    }

    /** The fraction of two-shape images whose relation is right. */
    public double relationAccuracy() {
        return (double) relationRight / twoShape;
    }

    /**
     * The report {@code eval shapes} and {@code eval decoder} print, every line ending in the line separator: a
     * table of the counts and accuracies ("-" for none), or with {@code json} one JSON object whose accuracies are
     * null for none.
     */
    public String report(boolean json) throws JsonProcessingException {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode()
                    .put("images", images())
                    .put("one_shape_images", oneShapeImages());
            accuracy(node, "shape_accuracy", shapeAccuracy());
            accuracy(node, "colour_accuracy", colourAccuracy());
            accuracy(node, "both_accuracy", bothAccuracy());
            node.put("two_shape_images", twoShapeImages());
            accuracy(node, "relation_accuracy", relationAccuracy());
            return mapper.writeValueAsString(node) + System.lineSeparator();
        }
        return String.format("images              %d%n", images())
                + String.format("one-shape images    %d%n", oneShapeImages())
                + String.format("  shape right       %s%n", ReportText.percent(shapeAccuracy()))
                + String.format("  colour right      %s%n", ReportText.percent(colourAccuracy()))
                + String.format("  both right        %s%n", ReportText.percent(bothAccuracy()))
                + String.format("two-shape images    %d%n", twoShapeImages())
                + String.format("  relation right    %s%n", ReportText.percent(relationAccuracy()));
    }

    private static void accuracy(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }
}
