package dev.dalle2.eval;

import dev.dalle2.clip.ClipModel.TextFeatures;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Labels;
import dev.dalle2.data.Split;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeScorer;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.io.Images;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.pipeline.Settings;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Quality numbers of a whole model: how close the prior's image embeddings come to the true ones,
 * and how well generated images match their prompts in CLIP's eyes. {@link #run} measures all of
 * them for {@code dalle2 eval model}: the prior's cosine to the true image embeddings against the
 * text-embedding baseline, the CLIP score of generated images, for shapes prompts the shape-and-colour
 * accuracy of the generated images, and with a template how often CLIP names the concept of a
 * generated image, beside the prior's image embeddings themselves, images decoded from real images'
 * embeddings (the decoder alone) and the real images.
 */
public final class ModelEvaluation {
    /** Held-out captions whose prior cosine is measured at once. */
    private static final int PRIOR_BATCH = 128;
    /** Concept names and real images CLIP embeds at once for the concept recall. */
    private static final int CLIP_BATCH = 256;

    private final Pipeline pipeline;
    private final Request request;
    private final EmbeddingCache cache;
    private final CaptionDataset data;
    private final long[] heldRows;

    /**
     * What {@link #run} measures and how. The front end checks the combination ({@code eval model} refuses a
     * hold-out with a template, an offset without a template or below 0, fewer than 1 prior caption and a template
     * without {}).
     *
     * @param out           where {@code images/} and {@code captions.jsonl} (and, with a template, {@code decoded/}) go
     * @param seed          the seed of the sampling noise (a batch from prompt k on draws from {@code seed + k})
     *                      and of the held-out shapes prompts
     * @param settings      the sampler settings
     * @param count         prompts to generate from: held-out captions (at most that many), held-out shapes prompts
     *                      or concepts (at most that many)
     * @param holdOut       colour-shape pairs in {@link dev.dalle2.data.shapes.ShapeCombo#parseList}'s form
     *                      ("red star,blue circle"): generate one-shape prompts of them; null for held-out captions
     * @param template      a caption template, {} standing for a concept's name: generate from the dataset's concepts
     *                      and measure their recall; null for none
     * @param offset        with a template, how far the even spread of concepts is shifted
     * @param priorCaptions held-out captions the prior's cosine is measured on, at most
     * @param priorOnly     measure the prior alone: no images are generated or written
     * @param batch         prompts sampled together
     */
    public record Request(Path out, long seed, Settings settings, int count, String holdOut, String template, int offset,
                          int priorCaptions, boolean priorOnly, int batch) {}

    /**
     * The prior's quality.
     *
     * @param captions      held-out captions measured (0 when the dataset holds none out; the cosines are then NaN)
     * @param priorCosine   mean cosine between the prior's sampled image embedding and the caption's true image embedding
     * @param textCosine    the baseline: mean cosine between the caption's text embedding and its true image embedding
     */
    public record PriorQuality(int captions, double priorCosine, double textCosine) {
        /** The line {@code eval model} prints, ending in the line separator. */
        public String report() {
            if (captions == 0) {
                return "prior: the dataset holds out no captions to measure its cosine on" + System.lineSeparator();
            }
            return String.format(Locale.ROOT, "prior on %d held-out captions: cosine to the true image embedding %.3f "
                    + "(text-embedding baseline %.3f)%n", captions, priorCosine, textCosine);
        }
    }

    /**
     * What generating from the prompts gave.
     *
     * @param prompts   prompts generated from
     * @param clipScore mean cosine between the CLIP embeddings of the generated images and of their prompts
     *                  (NaN with {@code priorOnly})
     * @param shapes    the accuracy of the images of shapes prompts, scored from their pixels (none with {@code priorOnly})
     * @param out       the folder the images went to; null with {@code priorOnly}
     */
    public record Generation(int prompts, double clipScore, ShapesEvaluation shapes, Path out) {
        /** The lines {@code eval model} prints: the CLIP score unless prior only, then any shapes accuracies. */
        public String report() throws IOException {
            String text = out == null ? "" : String.format(Locale.ROOT, "CLIP score of %d generated images (mean cosine "
                    + "to their prompt): %.3f; images in %s%n", prompts, clipScore, out);
            return shapes.images() > 0 ? text + shapes.report(false) : text;
        }
    }

    /**
     * Image→text recall@5 over every concept's name, of the chosen concepts' prompts.
     *
     * @param concepts  the dataset's concepts, whose names are ranked
     * @param chosen    the concepts generated from
     * @param prior     recall of the prior's image embeddings themselves
     * @param real      recall of a real image of each chosen concept
     * @param generated recall of the images generated from the prior's embeddings (NaN with {@code priorOnly})
     * @param decoded   recall of images decoded from the real images' CLIP embeddings, the decoder alone (NaN with
     *                  {@code priorOnly})
     */
    public record ConceptRecall(int concepts, int chosen, double prior, double real, double generated, double decoded) {
        /** The line {@code eval model} prints, each recall ± one standard error, ending in the line separator. */
        public String report() {
            int n = chosen;
            if (Double.isNaN(generated)) {
                return String.format(Locale.ROOT, "image→text recall@5 over %d concept names: the prior's image embeddings "
                        + "%s, real images of the same %d concepts %s; ± one standard error over the %d concepts%n",
                        concepts, ReportText.percent(prior, n), n, ReportText.percent(real, n), n);
            }
            return String.format(Locale.ROOT, "image→text recall@5 over %d concept names: generated %s (the prior's image "
                    + "embeddings themselves %s), decoded from the real images' CLIP embeddings %s, real images "
                    + "of the same %d concepts %s (ratio %.2f); ± one standard error over the %d concepts%n",
                    concepts, ReportText.percent(generated, n), ReportText.percent(prior, n),
                    ReportText.percent(decoded, n), n, ReportText.percent(real, n), generated / real, n);
        }
    }

    /**
     * Everything {@link #run} measured.
     *
     * @param prior      the prior's cosine
     * @param generation the generated images' numbers
     * @param concepts   the concept recall; null without a template
     */
    public record Result(PriorQuality prior, Generation generation, ConceptRecall concepts) {
        /** The whole report {@code eval model} prints. */
        public String report() throws IOException {
            return prior.report() + generation.report() + (concepts == null ? "" : concepts.report());
        }
    }

    /** The prompts of a run: their texts, and with a template the dataset's concepts and those chosen. */
    private record Prompts(List<String> texts, Labels concepts, int[] chosen) {}

    /** The generation's numbers with the embeddings [P·D] the concept recall ranks (generated: null with prior only). */
    private record Sampled(Generation generation, float[] priorEmbeds, float[] generatedEmbeds) {}

    private ModelEvaluation(Pipeline pipeline, Request request, EmbeddingCache cache, CaptionDataset data,
                            long[] heldRows) {
        this.pipeline = pipeline;
        this.request = request;
        this.cache = cache;
        this.data = data;
        this.heldRows = heldRows;
    }

    /**
     * Evaluates {@code pipeline} on {@code dataset} (the prior's training data; its embedding cache for the pipeline's
     * CLIP must exist), whose held-out part is the split {@code validation}. Each part of the report goes to
     * {@code report} as soon as it is measured: the prior's cosine, then the generation's numbers, then the concept
     * recall.
     */
    public static Result run(Pipeline pipeline, Path dataset, String validation, Request request, Consumer<String> report)
            throws IOException {
        EmbeddingCache cache = EmbeddingCache.open(dataset, pipeline.clip().fingerprint());
        CaptionDataset data = CaptionDataset.load(dataset, pipeline.clip().model().config().imageSize());
        long[] heldRows = cache.rows(data, Split.parse(validation), true);
        ModelEvaluation evaluation = new ModelEvaluation(pipeline, request, cache, data, heldRows);
        PriorQuality prior = evaluation.prior();
        report.accept(prior.report());
        Prompts prompts = evaluation.prompts();
        Sampled sampled = evaluation.generate(prompts.texts());
        report.accept(sampled.generation().report());
        ConceptRecall recall = null;
        if (prompts.concepts() != null) {
            recall = evaluation.conceptRecall(prompts, sampled);
            report.accept(recall.report());
        }
        return new Result(prior, sampled.generation(), recall);
    }

    /** The prior's cosine on the first {@code priorCaptions} held-out rows. */
    private PriorQuality prior() {
        long[] rows = Arrays.copyOf(heldRows, Math.min(heldRows.length, request.priorCaptions()));
        if (rows.length == 0) {
            return new PriorQuality(0, Double.NaN, Double.NaN);
        }
        return prior(pipeline, cache, rows, request.seed(), request.settings(), PRIOR_BATCH);
    }

    /** The prompts: held-out shapes pairs, else the template's concepts, else held-out captions. */
    private Prompts prompts() {
        String template = request.template();
        Labels concepts = template != null ? Labels.of(data, data.indices(Split.NONE, false)) : null;
        int[] chosen = template != null
                ? ModelPrompts.chooseConcepts(pipeline.clip(), concepts, template, request.count(), request.offset())
                : new int[0];
        List<String> texts = request.holdOut() != null
                ? ModelPrompts.heldOutShapePrompts(request.holdOut(), request.count(), request.seed())
                : template != null ? ModelPrompts.conceptPrompts(concepts, chosen, template)
                : ModelPrompts.captions(data, cache, heldRows, request.count());
        return new Prompts(texts, concepts, chosen);
    }

    /**
     * Samples the prior's image embeddings of {@code prompts} and, unless prior only, decodes them to {@code images/}
     * with {@code captions.jsonl}, and measures their CLIP score and, for shapes prompts, their accuracy.
     */
    private Sampled generate(List<String> prompts) throws IOException {
        int embedDim = pipeline.clip().model().config().embedDim();
        boolean priorOnly = request.priorOnly();
        float[] priorEmbeds = new float[prompts.size() * embedDim];
        float[] generatedEmbeds = priorOnly ? null : new float[prompts.size() * embedDim];
        ShapesEvaluation shapes = new ShapesEvaluation();
        CaptionedImages images = priorOnly ? null : new CaptionedImages(request.out());
        if (!priorOnly) {
            Files.createDirectories(request.out().resolve(CaptionedImages.FOLDER));
        }
        double clipScore = 0;
        for (int start = 0; start < prompts.size(); start += request.batch()) {
            List<String> chunk = prompts.subList(start, Math.min(prompts.size(), start + request.batch()));
            int first = start;
            clipScore += Scopes.freeingNoGrad(() -> generateBatch(chunk, first, priorEmbeds, generatedEmbeds, images, shapes));
        }
        if (priorOnly) {
            return new Sampled(new Generation(prompts.size(), Double.NaN, shapes, null), priorEmbeds, null);
        }
        images.finish();
        Generation generation = new Generation(prompts.size(), clipScore / prompts.size(), shapes, request.out());
        return new Sampled(generation, priorEmbeds, generatedEmbeds);
    }

    /**
     * One batch of {@link #generate}, from prompt {@code first} on: copies the sampled embeddings into
     * {@code priorEmbeds} and, with {@code images}, the generated images' CLIP embeddings into {@code generatedEmbeds};
     * returns the batch's summed CLIP score (0 without images).
     */
    private double generateBatch(List<String> chunk, int first, float[] priorEmbeds, float[] generatedEmbeds,
                                 CaptionedImages images, ShapesEvaluation shapes) throws IOException {
        int embedDim = pipeline.clip().model().config().embedDim();
        Tensor sampled = pipeline.imageEmbeddings(pipeline.encodeText(chunk), Ops.generator(request.seed() + first),
                request.settings());
        copyRows(sampled, priorEmbeds, first, embedDim);
        if (images == null) {
            return 0.0;
        }
        Tensor decoded = pipeline.decode(sampled, request.seed() + first, request.settings());
        Tensor embeds = imageEmbeddings(pipeline, decoded);
        double score = clipScore(pipeline, chunk, embeds) * chunk.size();
        copyRows(embeds, generatedEmbeds, first, embedDim);
        for (int i = 0; i < chunk.size(); i++) {
            Tensor image = decoded.get(i);
            images.add(image, chunk.get(i));
            // only shapes captions are scored from pixels
            ShapeAttributes.tryParse(chunk.get(i))
                    .ifPresent(expected -> shapes.add(expected, ShapeScorer.matches(expected, Images.toImage(image))));
        }
        return score;
    }

    /**
     * Image→text recall@5 over every concept's name, of the prior's image embeddings themselves, of the images
     * generated from them (unless prior only), of images decoded from the CLIP embeddings of real images of the same
     * concepts (written to {@code decoded/}; unless prior only), and of those real images.
     */
    private ConceptRecall conceptRecall(Prompts prompts, Sampled sampled) throws IOException {
        Labels concepts = prompts.concepts();
        int[] chosen = prompts.chosen();
        return Scopes.freeingNoGrad(() -> {
            Tensor labels = ClipEvaluation.labelEmbeddings(pipeline.clip().model(), pipeline.clip().tokenizer(),
                    concepts, CLIP_BATCH);
            long[] labelOf = Arrays.stream(chosen).asLongStream().toArray();
            int[] realEntries = Arrays.stream(chosen).map(c -> concepts.firstEntry()[c]).toArray();
            Tensor real = ClipEvaluation.imageEmbeddings(pipeline.clip().model(), data, realEntries, CLIP_BATCH);
            double realRecall = ClipEvaluation.imageToTextRecall(real, labels, labelOf, 5);
            long d = real.size(1);
            int n = chosen.length;
            double priorRecall = ClipEvaluation.imageToTextRecall(Ops.tensor(sampled.priorEmbeds(), n, d), labels, labelOf, 5);
            if (sampled.generatedEmbeds() == null) {
                return new ConceptRecall(concepts.size(), n, priorRecall, realRecall, Double.NaN, Double.NaN);
            }
            double generatedRecall = ClipEvaluation.imageToTextRecall(Ops.tensor(sampled.generatedEmbeds(), n, d), labels,
                    labelOf, 5);
            double decodedRecall = ClipEvaluation.imageToTextRecall(decodedEmbeddings(real), labels, labelOf, 5);
            return new ConceptRecall(concepts.size(), n, priorRecall, realRecall, generatedRecall, decodedRecall);
        });
    }

    /** Decodes each real image embedding [N, D] once, writes the images to {@code decoded/}, and returns their CLIP embeddings. */
    private Tensor decodedEmbeddings(Tensor real) throws IOException {
        Files.createDirectories(request.out().resolve("decoded"));
        int batch = request.batch();
        int n = (int) real.size(0);
        Tensor[] embeds = new Tensor[(n + batch - 1) / batch];
        for (int start = 0; start < n; start += batch) {
            Tensor images = pipeline.decode(real.narrow(0, start, Math.min(batch, n - start)), request.seed() + start,
                    request.settings());
            for (int i = 0; i < images.size(0); i++) {
                Images.write(request.out().resolve(String.format("decoded/%06d.png", start + i)), images.get(i));
            }
            embeds[start / batch] = imageEmbeddings(pipeline, images);
        }
        return Ops.cat(0, embeds);
    }

    /** Copies the rows of {@code embeds} [B, D] into {@code into} from row {@code start} on. */
    private static void copyRows(Tensor embeds, float[] into, int start, int embedDim) {
        float[] rows = Ops.toFloats(embeds);
        System.arraycopy(rows, 0, into, start * embedDim, rows.length);
    }

    /** The prior's quality on the embedding-cache rows {@code rows} (held-out caption variants), in batches. */
    public static PriorQuality prior(Pipeline pipeline, EmbeddingCache cache, long[] rows, long seed, Settings settings,
                                     int batchSize) {
        Generator g = Ops.generator(seed);
        double prior = 0;
        double text = 0;
        for (int start = 0; start < rows.length; start += batchSize) {
            int n = Math.min(batchSize, rows.length - start);
            long[] chunk = Arrays.copyOfRange(rows, start, start + n);
            double[] sums = Scopes.freeingNoGrad(() -> {
                Tensor index = Ops.longTensor(chunk, n);
                Tensor truth = cache.imageEmbeds().index_select(0, cache.captionImage().index_select(0, index));
                Tensor ids = cache.textIds().index_select(0, index);
                TextFeatures features = new TextFeatures(cache.textTokens().index_select(0, index).to(torch.ScalarType.Float),
                        cache.textEmbeds().index_select(0, index), ClipModel.tokenMask(ids, cache.manifest().endToken()));
                Tensor sampled = pipeline.imageEmbeddings(features, g, settings);
                return new double[] {Ops.item(sampled.mul(truth).sum()), Ops.item(features.embedding().mul(truth).sum())};
            });
            prior += sums[0];
            text += sums[1];
        }
        return new PriorQuality(rows.length, prior / rows.length, text / rows.length);
    }

    /** The unit CLIP embeddings [P, D] of generated images [P, 3, S', S'], resized to CLIP's input S. */
    public static Tensor imageEmbeddings(Pipeline pipeline, Tensor images) {
        return Scopes.noGrad(() -> {
            int s = pipeline.clip().model().config().imageSize();
            Tensor fitted = images.size(2) == s ? images : torch.adaptive_avg_pool2d(images, new long[] {s, s});
            return pipeline.clip().model().encodeImage(fitted);
        });
    }

    /** Mean cosine between the CLIP embeddings [P, D] of generated images and of their prompts. */
    public static double clipScore(Pipeline pipeline, List<String> prompts, Tensor imageEmbeds) {
        return Scopes.freeingNoGrad(() -> {
            Tensor textEmbeds = pipeline.encodeText(prompts).embedding();
            return Ops.item(imageEmbeds.mul(textEmbeds).sum()) / prompts.size();
        });
    }
}
