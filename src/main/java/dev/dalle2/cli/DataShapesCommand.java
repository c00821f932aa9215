package dev.dalle2.cli;

import dev.dalle2.data.shapes.ShapeCombo;
import dev.dalle2.data.shapes.ShapesGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 data shapes}: writes the procedural shapes dataset. */
@Command(name = "shapes", mixinStandardHelpOptions = true,
        description = "Write the procedural shapes dataset: images/NNNNNN.png, captions.jsonl and README.md.")
final class DataShapesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder.")
    Path out;

    @Option(names = "--count", required = true, paramLabel = "N", description = "Number of images.")
    int count;

    @Option(names = "--size", required = true, paramLabel = "S", description = "Image side in pixels (16 to 4096).")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--two-shape-fraction", defaultValue = "0.3", paramLabel = "F",
            description = "Fraction of images with two shapes (default: ${DEFAULT-VALUE}).")
    double twoShapeFraction;

    @Option(names = "--hold-out", defaultValue = "", paramLabel = "PAIRS",
            description = "Colour-shape pairs no image shows, for evaluating generalisation, e.g. \"red star,blue circle\".")
    String holdOut;

    @Override
    public Integer call() throws Exception {
        ShapesGenerator.generate(out, count, size, seed, twoShapeFraction, ShapeCombo.parseList(holdOut),
                spec.commandLine().getErr());
        spec.commandLine().getOut().printf("wrote %d images of %dx%d to %s%n", count, size, size, out);
        return 0;
    }
}
