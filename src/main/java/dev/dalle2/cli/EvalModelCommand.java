package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.EmbeddingCache;
import dev.dalle2.data.ShapeAttributes;
import dev.dalle2.data.ShapeCombo;
import dev.dalle2.data.ShapeScorer;
import dev.dalle2.data.ShapeSpec;
import dev.dalle2.data.ShapesEvaluation;
import dev.dalle2.data.ShapesGenerator;
import dev.dalle2.data.Split;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Images;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.pipeline.ModelEvaluation;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.train.PriorRunConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code dalle2 eval model}: the quality of a whole model: the prior's cosine to the true image
 * embeddings against the text-embedding baseline, the CLIP score of generated images, and for
 * shapes prompts the shape-and-colour accuracy of the generated images.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Evaluate a model folder: prior cosine vs. the text-embedding baseline on held-out captions, "
                + "CLIP score of generated images, and shape/colour accuracy for shapes prompts.")
final class EvalModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PipelineOptions options;

    @Option(names = "--count", defaultValue = "64", description = "Prompts to generate from (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--hold-out", paramLabel = "COMBOS",
            description = "Generate one-shape prompts of these held-out colour-shape pairs (e.g. \"red star,blue circle\") "
                    + "instead of held-out dataset captions.")
    String holdOut;

    @Option(names = "--batch", defaultValue = "16", description = "Images per sampling batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        Pipeline pipeline = Pipeline.load(options.model);
        PriorRunConfig recipe = NetworkFolder.config(options.model.resolve("prior"), PriorRunConfig.class);
        Path dataset = Path.of(recipe.data().dataset());
        EmbeddingCache cache = EmbeddingCache.open(dataset, pipeline.clip().fingerprint());
        CaptionDataset data = CaptionDataset.load(dataset, pipeline.clip().model().config().imageSize());
        long[] heldRows = cache.rows(data, Split.parse(recipe.data().validation()), true);
        PrintWriter out = spec.commandLine().getOut();
        long[] priorRows = Arrays.copyOf(heldRows, Math.min(heldRows.length, 512));
        ModelEvaluation.PriorQuality prior = ModelEvaluation.prior(pipeline, cache, priorRows, options.seed,
                options.settings(), 128);
        out.printf(Locale.ROOT, "prior on %d held-out captions: cosine to the true image embedding %.3f "
                + "(text-embedding baseline %.3f)%n", prior.captions(), prior.priorCosine(), prior.textCosine());

        List<String> prompts = holdOut != null ? heldOutShapePrompts(ShapeCombo.parseList(holdOut))
                : captions(data, cache, heldRows);
        Files.createDirectories(options.out.resolve("images"));
        ShapesEvaluation shapes = new ShapesEvaluation();
        StringBuilder lines = new StringBuilder();
        double clipScore = 0;
        ObjectMapper json = new ObjectMapper();
        for (int start = 0; start < prompts.size(); start += batch) {
            List<String> chunk = prompts.subList(start, Math.min(prompts.size(), start + batch));
            try (PointerScope scope = new PointerScope()) {
                Tensor images = pipeline.generate(chunk, options.seed + start, options.settings());
                clipScore += ModelEvaluation.clipScore(pipeline, chunk, images) * chunk.size();
                for (int i = 0; i < chunk.size(); i++) {
                    String name = String.format("images/%06d.png", start + i);
                    Images.write(options.out.resolve(name), images.get(i));
                    lines.append(json.writeValueAsString(Map.of("image", name, "caption", chunk.get(i)))).append('\n');
                    try {
                        ShapeAttributes expected = ShapeAttributes.parse(chunk.get(i));
                        shapes.add(expected, ShapeScorer.matches(expected, Images.toImage(images.get(i))));
                    } catch (IllegalArgumentException notShapes) {
                        // only shapes captions are scored from pixels
                    }
                }
            }
        }
        byte[] jsonl = lines.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(options.out.resolve(ShapesGenerator.CAPTIONS), o -> o.write(jsonl));
        out.printf(Locale.ROOT, "CLIP score of %d generated images (mean cosine to their prompt): %.3f; images in %s%n",
                prompts.size(), clipScore / prompts.size(), options.out);
        if (shapes.images() > 0) {
            EvalShapesCommand.report(shapes, false, out);
        }
        return 0;
    }

    /** Up to {@code count} captions of held-out rows, spread evenly. */
    private List<String> captions(CaptionDataset data, EmbeddingCache cache, long[] rows) {
        List<String> out = new ArrayList<>();
        int n = Math.min(count, rows.length);
        for (int i = 0; i < n; i++) {
            out.add(cache.caption(data, rows[(int) ((long) i * rows.length / n)]));
        }
        return out;
    }

    /** {@code count} one-shape prompts cycling through the held-out pairs, sizes and backgrounds drawn at random. */
    private List<String> heldOutShapePrompts(List<ShapeCombo> combos) {
        if (combos.isEmpty()) {
            throw new IllegalArgumentException("--hold-out names no colour-shape pairs");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ShapeAttributes a = ShapesGenerator.sample(options.seed + 1000, i, 0.0).attributes();
            ShapeSpec s = a.shapes().get(0);
            ShapeCombo combo = combos.get(i % combos.size());
            ShapeSpec held = new ShapeSpec(combo.shape(), combo.colour(), s.size(), s.x(), s.y(), s.extent());
            out.add(new ShapeAttributes(List.of(held), a.relation(), a.background()).caption(false));
        }
        return out;
    }
}
