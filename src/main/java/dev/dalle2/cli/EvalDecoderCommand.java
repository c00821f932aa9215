package dev.dalle2.cli;

import dev.dalle2.eval.DecoderEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code dalle2 eval decoder}: draws fresh one-shape captions, decodes an image for each from its
 * attribute vector with a decoder trained on the shapes dataset, writes them with their captions,
 * and scores them from the pixels as {@code eval shapes} does ({@link DecoderEvaluation}).
 */
@Command(name = "decoder", mixinStandardHelpOptions = true,
        description = "Generate images for new one-shape captions with an attribute-conditioned shapes decoder and "
                + "score their shape and colour from the pixels.")
final class EvalDecoderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Decoder folder (config.json + weights.safetensors).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the images and captions.jsonl go.")
    Path out;

    @Option(names = "--count", defaultValue = "200", description = "Images to generate (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--batch", defaultValue = "25", description = "Images sampled together (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "0", description = "Sampling steps (default: the model's).")
    int steps;

    @Option(names = "--guidance", defaultValue = "NaN", description = "Guidance scale (default: the model's).")
    double guidance;

    @Option(names = "--seed", defaultValue = "1000", description = "Seed of the captions and the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DecoderEvaluation.Request request = new DecoderEvaluation.Request(model, out, count, batch, steps, guidance, seed);
        EvalCommand.print(spec, DecoderEvaluation.run(request).report(json));
        return 0;
    }
}
