package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.clip.ClipFolder;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.eval.ClipEvaluation;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.train.ClipRunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code dalle2 eval clip}: retrieval recall and zero-shot shape/colour accuracy of a CLIP model on held-out data. */
@Command(name = "clip", mixinStandardHelpOptions = true,
        description = "Evaluate a CLIP model on a dataset's held-out split: image→text and text→image recall@1/@5 "
                + "over the distinct labels (concepts, or captions), and zero-shot shape and colour accuracy on shapes data.")
final class EvalClipCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A CLIP model folder.")
    Path model;

    @Option(names = "--dataset", paramLabel = "DIR", description = "A caption dataset (default: the one the model was trained on).")
    Path dataset;

    @Option(names = "--validation", paramLabel = "SPEC",
            description = "Held-out entries: fraction:F, group:NAME, or all (default: the model's training split).")
    String validation;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Evaluate at most N held-out images (0: all).")
    int limit;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ClipRunConfig recipe = NetworkFolder.config(model, ClipRunConfig.class, "clip");
        Path source = dataset != null ? dataset : Path.of(recipe.data().dataset());
        String spec = validation != null ? validation : recipe.data().validation();
        ClipFolder clip = ClipFolder.load(model);
        CaptionDataset data = CaptionDataset.load(source, clip.model().config().imageSize());
        int[] entries = spec.equals("all") ? data.indices(Split.NONE, false) : data.indices(Split.parse(spec), true);
        if (limit > 0 && entries.length > limit) {
            entries = Arrays.copyOf(entries, limit);
        }
        ClipEvaluation.Report r = ClipEvaluation.evaluate(clip, data, entries, 256);
        PrintWriter out = this.spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(r));
        } else {
            out.printf("held-out images     %d (%s of %s), %d distinct labels%n", r.images(), spec, source, r.labels());
            out.printf("image→text  R@1 %s  R@5 %s%n", EvalShapesCommand.percent(r.imageToText1()), EvalShapesCommand.percent(r.imageToText5()));
            out.printf("text→image  R@1 %s  R@5 %s%n", EvalShapesCommand.percent(r.textToImage1()), EvalShapesCommand.percent(r.textToImage5()));
            if (r.shapeImages() > 0) {
                out.printf("zero-shot on %d one-shape images: shape %s, colour %s%n", r.shapeImages(),
                        EvalShapesCommand.percent(r.zeroShotShape()), EvalShapesCommand.percent(r.zeroShotColour()));
            }
        }
        return 0;
    }
}
