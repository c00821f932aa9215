package dev.dalle2.cli;

import dev.dalle2.eval.ClipEvaluation;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.train.ClipRunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
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
        String heldOut = validation != null ? validation : recipe.data().validation();
        ClipEvaluation.Report r = ClipEvaluation.evaluate(model, source, heldOut, limit);
        EvalCommand.print(spec, json ? r.json() + System.lineSeparator() : r.table(heldOut, source));
        return 0;
    }
}
