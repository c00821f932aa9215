package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeScorer;
import dev.dalle2.data.shapes.ShapesGenerator;
import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNetFolder;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.eval.ShapesEvaluation;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Images;
import dev.dalle2.io.Progress;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dalle2 eval decoder}: draws fresh one-shape captions, decodes an image for each from its
 * attribute vector with a decoder trained on the shapes dataset, writes them with their captions,
 * and scores them from the pixels as {@code eval shapes} does.
 */
@Command(name = "decoder", mixinStandardHelpOptions = true,
        description = "Generate images for new one-shape captions with an attribute-conditioned shapes decoder and "
                + "score their shape and colour from the pixels.")
final class EvalDecoderCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        UNetFolder decoder = UNetFolder.load(model, "decoder");
        if (!decoder.kind().equals("decoder") || decoder.net().config().condDim() != ShapeAttributes.vectorSize()) {
            throw new IllegalArgumentException(model + " is not a decoder conditioned on shapes attributes");
        }
        Sampler sampler = decoder.sampler(steps);
        double scale = Double.isNaN(guidance) ? decoder.sampling().guidance() : guidance;
        List<String> captions = new ArrayList<>();
        List<ShapeAttributes> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            captions.add(ShapesGenerator.sample(seed, i, 0.0).caption());
            expected.add(ShapeAttributes.parse(captions.get(i)));
        }
        int size = decoder.net().config().imageSize();
        Generator g = Ops.generator(seed);
        ShapesEvaluation evaluation = new ShapesEvaluation();
        StringBuilder lines = new StringBuilder();
        try (Progress progress = new Progress("decode", count)) {
            for (int start = 0; start < count; start += batch) {
                int n = Math.min(batch, count - start);
                float[] cond = new float[n * ShapeAttributes.vectorSize()];
                for (int i = 0; i < n; i++) {
                    float[] v = expected.get(start + i).toVector();
                    System.arraycopy(v, 0, cond, i * v.length, v.length);
                }
                int first = start;
                Scopes.freeing(() -> {
                    Tensor images = DecoderSampling.sample(decoder.net(), sampler, scale,
                            Ops.tensor(cond, n, ShapeAttributes.vectorSize()), null, Ops.randn(g, n, 3, size, size), g, null);
                    for (int i = 0; i < n; i++) {
                        String name = String.format("images/%06d.png", first + i);
                        Tensor image = images.select(0, i);
                        Images.write(out.resolve(name), image);
                        evaluation.add(expected.get(first + i), ShapeScorer.matches(expected.get(first + i), Images.toImage(image)));
                        lines.append(JSON.writeValueAsString(Map.of("image", name, "caption", captions.get(first + i))))
                                .append('\n');
                    }
                    return null;
                });
                progress.update(start + n, "");
            }
        }
        byte[] jsonl = lines.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(out.resolve(CaptionDataset.CAPTIONS), o -> o.write(jsonl));
        EvalShapesCommand.report(evaluation, json, spec.commandLine().getOut());
        return 0;
    }
}
