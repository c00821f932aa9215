package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dalle2.data.shapes.ShapeScorer;
import dev.dalle2.data.shapes.ShapesDataset;
import dev.dalle2.eval.ShapesEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 eval shapes}: scores shapes images against their captions from the pixels alone. */
@Command(name = "shapes", mixinStandardHelpOptions = true,
        description = "Score shapes images against their captions (captions.jsonl in the folder; attributes are "
                + "parsed from the caption when a line has none): kind, colour and both right for one shape, "
                + "relation right for two.")
final class EvalShapesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder with PNGs and captions.jsonl.")
    Path images;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ShapesEvaluation evaluation = new ShapesEvaluation();
        for (ShapesDataset.Entry entry : ShapesDataset.load(images)) {
            evaluation.add(entry.attributes(), ShapeScorer.matches(entry.attributes(), entry.read()));
        }
        report(evaluation, json, spec.commandLine().getOut());
        return 0;
    }

    /** Prints the accuracies as a table, or as one JSON object. */
    static void report(ShapesEvaluation evaluation, boolean json, PrintWriter out) throws java.io.IOException {
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode node = mapper.createObjectNode()
                    .put("images", evaluation.images())
                    .put("one_shape_images", evaluation.oneShapeImages());
            accuracy(node, "shape_accuracy", evaluation.shapeAccuracy());
            accuracy(node, "colour_accuracy", evaluation.colourAccuracy());
            accuracy(node, "both_accuracy", evaluation.bothAccuracy());
            node.put("two_shape_images", evaluation.twoShapeImages());
            accuracy(node, "relation_accuracy", evaluation.relationAccuracy());
            out.println(mapper.writeValueAsString(node));
        } else {
            out.printf("images              %d%n", evaluation.images());
            out.printf("one-shape images    %d%n", evaluation.oneShapeImages());
            out.printf("  shape right       %s%n", percent(evaluation.shapeAccuracy()));
            out.printf("  colour right      %s%n", percent(evaluation.colourAccuracy()));
            out.printf("  both right        %s%n", percent(evaluation.bothAccuracy()));
            out.printf("two-shape images    %d%n", evaluation.twoShapeImages());
            out.printf("  relation right    %s%n", percent(evaluation.relationAccuracy()));
        }
    }

    private static void accuracy(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, value);
        }
    }

    static String percent(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.1f%%", 100 * value);
    }
}
