package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Labels;
import dev.dalle2.data.Split;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeCombo;
import dev.dalle2.data.shapes.ShapeScorer;
import dev.dalle2.data.shapes.ShapeSpec;
import dev.dalle2.data.shapes.ShapesGenerator;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.eval.ClipEvaluation;
import dev.dalle2.eval.ModelEvaluation;
import dev.dalle2.eval.ShapesEvaluation;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Images;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.io.Texts;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.train.PriorRunConfig;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
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
 * embeddings against the text-embedding baseline, the CLIP score of generated images, for
 * shapes prompts the shape-and-colour accuracy of the generated images, and with
 * {@code --template} how often CLIP names the concept of a generated image, beside the prior's image
 * embeddings themselves, images decoded from real images' embeddings (the decoder alone) and the
 * real images. {@code --prior-only} measures the prior's numbers alone, for tuning its settings.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Evaluate a model folder: prior cosine vs. the text-embedding baseline on held-out captions, "
                + "CLIP score of generated images, shape/colour accuracy for shapes prompts, and concept recall "
                + "for --template prompts.")
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

    @Option(names = "--template", paramLabel = "TEXT",
            description = "Generate from this caption template, {} standing for a concept's name (e.g. \"a drawing of {}\"), "
                    + "for --count concepts of the dataset, and report CLIP image→text recall@5 over all concept names "
                    + "of the generated images beside that of real images of the same concepts, each ± its standard error.")
    String template;

    @Option(names = "--offset", defaultValue = "0", paramLabel = "K",
            description = "With --template, shift the even spread of concepts by K (default: ${DEFAULT-VALUE}); another "
                    + "offset below the spacing of the concepts draws a disjoint set, e.g. for choosing sampler settings "
                    + "without touching the judged one.")
    int offset;

    @Option(names = "--prior-captions", defaultValue = "512", paramLabel = "N",
            description = "Held-out captions the prior's cosine is measured on (default: ${DEFAULT-VALUE}).")
    int priorCaptions;

    @Option(names = "--prior-only",
            description = "Measure the prior alone: its cosine and, with --template, the recall of its image embeddings; "
                    + "generate no images.")
    boolean priorOnly;

    @Option(names = "--batch", defaultValue = "16", description = "Images per sampling batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        if (holdOut != null && template != null) {
            throw new IllegalArgumentException("give --hold-out or --template, not both");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("--offset must not be negative, got " + offset);
        }
        if (offset != 0 && template == null) {
            throw new IllegalArgumentException("--offset shifts the concepts of --template; give --template too");
        }
        if (priorCaptions < 1) {
            throw new IllegalArgumentException("--prior-captions must be at least 1");
        }
        if (template != null && !template.contains("{}")) {
            throw new IllegalArgumentException("--template needs {} where the concept's name goes, got " + Texts.quoted(template));
        }
        Pipeline pipeline = Pipeline.load(options.model);
        PriorRunConfig recipe = NetworkFolder.config(options.model.resolve("prior"), PriorRunConfig.class, "prior");
        Path dataset = Path.of(recipe.data().dataset());
        EmbeddingCache cache = EmbeddingCache.open(dataset, pipeline.clip().fingerprint());
        CaptionDataset data = CaptionDataset.load(dataset, pipeline.clip().model().config().imageSize());
        long[] heldRows = cache.rows(data, Split.parse(recipe.data().validation()), true);
        PrintWriter out = spec.commandLine().getOut();
        long[] priorRows = Arrays.copyOf(heldRows, Math.min(heldRows.length, priorCaptions));
        if (priorRows.length == 0) {
            out.println("prior: the dataset holds out no captions to measure its cosine on");
        } else {
            ModelEvaluation.PriorQuality prior = ModelEvaluation.prior(pipeline, cache, priorRows, options.seed,
                    options.settings(), 128);
            out.printf(Locale.ROOT, "prior on %d held-out captions: cosine to the true image embedding %.3f "
                    + "(text-embedding baseline %.3f)%n", prior.captions(), prior.priorCosine(), prior.textCosine());
        }

        Labels concepts = template != null ? Labels.of(data, data.indices(Split.NONE, false)) : null;
        int[] chosen = template != null ? chooseConcepts(pipeline, concepts) : new int[0];
        List<String> prompts = holdOut != null ? heldOutShapePrompts(ShapeCombo.parseList(holdOut))
                : template != null ? conceptPrompts(concepts, chosen) : captions(data, cache, heldRows);
        int embedDim = pipeline.clip().model().config().embedDim();
        float[] priorEmbeds = new float[prompts.size() * embedDim];
        float[] generatedEmbeds = priorOnly ? null : new float[prompts.size() * embedDim];
        generate(pipeline, prompts, priorEmbeds, generatedEmbeds, out);
        if (template != null) {
            reportConceptRecall(pipeline, data, concepts, chosen, priorEmbeds, generatedEmbeds, out);
        }
        return 0;
    }

    /**
     * Samples the prior's image embeddings of {@code prompts} into {@code priorEmbeds} and, without
     * {@code --prior-only}, decodes them to {@code images/}, copies their CLIP embeddings into
     * {@code generatedEmbeds} and reports the CLIP score and the shapes scores.
     */
    private void generate(Pipeline pipeline, List<String> prompts, float[] priorEmbeds, float[] generatedEmbeds,
                          PrintWriter out) throws IOException {
        int embedDim = pipeline.clip().model().config().embedDim();
        ShapesEvaluation shapes = new ShapesEvaluation();
        StringBuilder lines = new StringBuilder();
        double clipScore = 0;
        ObjectMapper json = new ObjectMapper();
        if (!priorOnly) {
            Files.createDirectories(options.out.resolve("images"));
        }
        for (int start = 0; start < prompts.size(); start += batch) {
            List<String> chunk = prompts.subList(start, Math.min(prompts.size(), start + batch));
            int first = start;
            clipScore += Scopes.freeingNoGrad(() -> {
                Tensor sampled = pipeline.imageEmbeddings(pipeline.encodeText(chunk), Ops.generator(options.seed + first),
                        options.settings());
                copyRows(sampled, priorEmbeds, first, embedDim);
                if (priorOnly) {
                    return 0.0;
                }
                Tensor images = pipeline.decode(sampled, options.seed + first, options.settings());
                Tensor embeds = ModelEvaluation.imageEmbeddings(pipeline, images);
                double score = ModelEvaluation.clipScore(pipeline, chunk, embeds) * chunk.size();
                copyRows(embeds, generatedEmbeds, first, embedDim);
                for (int i = 0; i < chunk.size(); i++) {
                    String name = String.format("images/%06d.png", first + i);
                    Images.write(options.out.resolve(name), images.get(i));
                    lines.append(json.writeValueAsString(Map.of("image", name, "caption", chunk.get(i)))).append('\n');
                    try {
                        ShapeAttributes expected = ShapeAttributes.parse(chunk.get(i));
                        shapes.add(expected, ShapeScorer.matches(expected, Images.toImage(images.get(i))));
                    } catch (IllegalArgumentException notShapes) {
                        // only shapes captions are scored from pixels
                    }
                }
                return score;
            });
        }
        if (!priorOnly) {
            byte[] jsonl = lines.toString().getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(options.out.resolve(CaptionDataset.CAPTIONS), o -> o.write(jsonl));
            out.printf(Locale.ROOT, "CLIP score of %d generated images (mean cosine to their prompt): %.3f; images in %s%n",
                    prompts.size(), clipScore / prompts.size(), options.out);
        }
        if (shapes.images() > 0) {
            EvalShapesCommand.report(shapes, false, out);
        }
    }

    /**
     * Image→text recall@5 over every concept's name, of the prior's image embeddings themselves, of
     * the images generated from them (null with {@code --prior-only}), of images decoded from the CLIP
     * embeddings of real images of the same concepts (the decoder alone, without the prior; written to
     * {@code decoded/}), and of those real images.
     */
    private void reportConceptRecall(Pipeline pipeline, CaptionDataset data, Labels concepts, int[] chosen,
                                     float[] priorEmbeds, float[] generatedEmbeds, PrintWriter out) throws IOException {
        Scopes.freeingNoGrad(() -> {
            Tensor labels = ClipEvaluation.labelEmbeddings(pipeline.clip().model(), pipeline.clip().tokenizer(),
                    concepts, 256);
            long[] labelOf = Arrays.stream(chosen).asLongStream().toArray();
            int[] realEntries = Arrays.stream(chosen).map(c -> concepts.firstEntry()[c]).toArray();
            Tensor real = ClipEvaluation.imageEmbeddings(pipeline.clip().model(), data, realEntries, 256);
            double realRecall = ClipEvaluation.imageToTextRecall(real, labels, labelOf, 5);
            long d = real.size(1);
            int n = chosen.length;
            double priorRecall = ClipEvaluation.imageToTextRecall(Ops.tensor(priorEmbeds, n, d), labels, labelOf, 5);
            if (generatedEmbeds == null) {
                out.printf(Locale.ROOT, "image→text recall@5 over %d concept names: the prior's image embeddings %s, "
                        + "real images of the same %d concepts %s; ± one standard error over the %d concepts%n",
                        concepts.size(), percent(priorRecall, n), n, percent(realRecall, n), n);
                return null;
            }
            double generatedRecall = ClipEvaluation.imageToTextRecall(Ops.tensor(generatedEmbeds, n, d), labels, labelOf, 5);
            double decodedRecall = ClipEvaluation.imageToTextRecall(decodedEmbeddings(pipeline, real), labels, labelOf, 5);
            out.printf(Locale.ROOT, "image→text recall@5 over %d concept names: generated %s (the prior's image "
                    + "embeddings themselves %s), decoded from the real images' CLIP embeddings %s, real images "
                    + "of the same %d concepts %s (ratio %.2f); ± one standard error over the %d concepts%n",
                    concepts.size(), percent(generatedRecall, n), percent(priorRecall, n), percent(decodedRecall, n), n,
                    percent(realRecall, n), generatedRecall / realRecall, n);
            return null;
        });
    }

    /** A recall over n images as "40.0% ± 4.9": ± one binomial standard error, in points. */
    private static String percent(double recall, int n) {
        return String.format(Locale.ROOT, "%.1f%% ± %.1f", 100 * recall, 100 * ClipEvaluation.standardError(recall, n));
    }

    /** Copies the rows of {@code embeds} [B, D] into {@code into} from row {@code start} on. */
    private static void copyRows(Tensor embeds, float[] into, int start, int embedDim) {
        float[] rows = Ops.toFloats(embeds);
        System.arraycopy(rows, 0, into, start * embedDim, rows.length);
    }

    /** Decodes each real image embedding [N, D] once, writes the images to {@code decoded/}, and returns their CLIP embeddings. */
    private Tensor decodedEmbeddings(Pipeline pipeline, Tensor real) throws IOException {
        Files.createDirectories(options.out.resolve("decoded"));
        int n = (int) real.size(0);
        Tensor[] embeds = new Tensor[(n + batch - 1) / batch];
        for (int start = 0; start < n; start += batch) {
            Tensor images = pipeline.decode(real.narrow(0, start, Math.min(batch, n - start)), options.seed + start,
                    options.settings());
            for (int i = 0; i < images.size(0); i++) {
                Images.write(options.out.resolve(String.format("decoded/%06d.png", start + i)), images.get(i));
            }
            embeds[start / batch] = ModelEvaluation.imageEmbeddings(pipeline, images);
        }
        return Ops.cat(0, embeds);
    }

    /**
     * Up to {@code count} concepts spread evenly over those whose prompt fits CLIP's context, from the
     * {@code offset}-th of them on.
     */
    private int[] chooseConcepts(Pipeline pipeline, Labels concepts) {
        int room = pipeline.clip().model().config().contextLength() - 2;
        List<Integer> fitting = new ArrayList<>();
        for (int c = 0; c < concepts.size(); c++) {
            if (pipeline.clip().tokenizer().encode(template.replace("{}", concepts.names().get(c))).length <= room) {
                fitting.add(c);
            }
        }
        if (fitting.isEmpty()) {
            throw new IllegalArgumentException("no concept of the dataset fits the template within CLIP's context");
        }
        return Arrays.stream(spread(fitting.size(), count, offset)).map(fitting::get).toArray();
    }

    /** min(count, size) indices in [0, size) spread evenly, the first at {@code offset}, wrapping around. */
    static int[] spread(int size, int count, int offset) {
        int n = Math.min(count, size);
        int[] picked = new int[n];
        for (int i = 0; i < n; i++) {
            picked[i] = (int) (((long) i * size / n + offset) % size);
        }
        return picked;
    }

    private List<String> conceptPrompts(Labels concepts, int[] chosen) {
        List<String> out = new ArrayList<>();
        for (int c : chosen) {
            out.add(template.replace("{}", concepts.names().get(c)));
        }
        return out;
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
