package dev.dalle2.cli;

import dev.dalle2.eval.ShapesEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
        EvalCommand.print(spec, ShapesEvaluation.score(images).report(json));
        return 0;
    }
}
