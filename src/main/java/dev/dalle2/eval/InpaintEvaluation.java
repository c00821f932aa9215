package dev.dalle2.eval;

import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Labels;
import dev.dalle2.data.Split;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeScorer;
import dev.dalle2.io.Images;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.pipeline.Inpainting;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.pipeline.Settings;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * How well a model inpaints: {@code count} held-out images of its prior's dataset, evenly spread, each with the middle
 * square (half the side) masked and inpainted from the image's own caption, beside plain generation from the same
 * captions (the same seed). Measured on the 8-bit pixels as written: the mean error outside the mask (0 when the
 * known pixels are kept), the mean error against the original in a band {@value #BAND} pixels wide just inside the
 * mask's border, and the seam: the mean jump between the pixels on either side of the border, against the original's
 * own jump there; for shapes captions the project's shape scorer on the inpainted and on the generated images; and
 * CLIP image→text recall@5 of each image's concept over all concepts of the dataset, for the inpainted images, the
 * generated ones, the masked inputs alone (what the context tells CLIP) and the originals.
 * Writes {@code images/} (the inpaintings, with {@code captions.jsonl}) and {@code strips.png} (per row: original,
 * masked input, inpainted, generated; the first {@value #STRIPS}).
 */
public final class InpaintEvaluation {
    /** Width in pixels of the band inside the mask's border whose error is reported. */
    static final int BAND = 2;
    /** Rows {@code strips.png} shows at most. */
    static final int STRIPS = 8;
    private static final int CLIP_BATCH = 256;

    /**
     * @param out         folder for images/ and strips.png
     * @param seed        seed of the prior's and the samplers' noise
     * @param settings    sampler settings of the pipeline
     * @param count       held-out images to inpaint
     * @param how         the inpainting method and its resamplings
     * @param batch       images per sampling batch
     */
    public record Request(Path out, long seed, Settings settings, int count, Inpainting how, int batch) {
        public Request {
            if (count < 1 || batch < 1) {
                throw new IllegalArgumentException("the count and the batch must be at least 1");
            }
        }
    }

    /**
     * @param method         how the images were inpainted ("RePaint" or "the inpainting decoder")
     * @param resamplings    RePaint resamplings per step
     * @param images         images inpainted
     * @param size           their side in pixels
     * @param outsideError   mean |inpainted − original| outside the mask, of 255
     * @param bandError      the same in the band inside the mask's border
     * @param seamJump       mean |inside − outside| across the mask's border, inpainted images
     * @param originalJump   the same for the originals
     * @param generatedJump  the same for the generated images (no seam, unrelated content)
     * @param inpaintedShapes shape scores of the inpainted images (no images without shapes captions)
     * @param generatedShapes shape scores of the generated images
     * @param concepts       concepts the recall ranks over
     * @param inpaintedRecall CLIP recall@5 of the inpainted images' concepts
     * @param generatedRecall the same for the generated images
     * @param maskedRecall   the same for the masked inputs
     * @param originalRecall the same for the originals
     */
    public record Result(String method, int resamplings, int images, int size, double outsideError, double bandError, double seamJump, double originalJump,
                         double generatedJump, ShapesEvaluation inpaintedShapes, ShapesEvaluation generatedShapes,
                         int concepts, double inpaintedRecall, double generatedRecall, double maskedRecall,
                         double originalRecall) {
        /** The printed report. */
        public String report(Path dataset) {
            int m = size / 2;
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "inpainting %d held-out images of %s (%d px, the middle %dx%d masked, each inpainted from its own caption "
                            + "by %s, %d resamplings per step):%n", images, dataset, size, m, m, method, resamplings));
            s.append(String.format(Locale.ROOT, "  pixels outside the mask: mean error %.3f (of 255)%n", outsideError));
            s.append(String.format(Locale.ROOT, "  band %d px inside the mask's border: mean error against the original %.1f%n",
                    BAND, bandError));
            s.append(String.format(Locale.ROOT, "  seam: mean jump across the border %.1f (the originals %.1f, plain generation %.1f)%n",
                    seamJump, originalJump, generatedJump));
            if (inpaintedShapes.oneShapeImages() > 0) {
                int n = inpaintedShapes.oneShapeImages();
                s.append(String.format(Locale.ROOT, "  shape and colour right (%d one-shape images): inpainted %s, "
                                + "generated from the same captions %s%n", n, ReportText.percent(inpaintedShapes.bothAccuracy(), n),
                        ReportText.percent(generatedShapes.bothAccuracy(), n)));
            }
            s.append(String.format(Locale.ROOT, "  CLIP image→text recall@5 over %d concepts: inpainted %s, generated %s, "
                            + "masked input alone %s, originals %s", concepts, ReportText.percent(inpaintedRecall, images),
                    ReportText.percent(generatedRecall, images), ReportText.percent(maskedRecall, images),
                    ReportText.percent(originalRecall, images)));
            return s.toString();
        }
    }

    private InpaintEvaluation() {}

    /** Evaluates {@code pipeline} on the held-out split {@code validation} of {@code dataset}; progress goes to {@code log}. */
    public static Result run(Pipeline pipeline, Path dataset, String validation, Request request, Consumer<String> log)
            throws IOException {
        int size = pipeline.imageSize();
        CaptionDataset data = CaptionDataset.load(dataset, size);
        int[] held = data.indices(Split.parse(validation), true);
        if (held.length == 0) {
            throw new IOException(dataset + ": the split " + validation + " holds no images");
        }
        int count = Math.min(request.count(), held.length);
        int[] chosen = new int[count];
        for (int i = 0; i < count; i++) {
            chosen[i] = held[(int) ((long) i * held.length / count)];
        }
        Files.createDirectories(request.out().resolve(CaptionedImages.FOLDER));
        Tensor mask = middle(size);
        Measures measures = new Measures(size);
        CaptionedImages written = new CaptionedImages(request.out());
        List<float[]> strips = new ArrayList<>();
        List<float[]>[] parts = newParts();
        for (int start = 0; start < count; start += request.batch()) {
            int n = Math.min(request.batch(), count - start);
            int first = start;
            log.accept(String.format(Locale.ROOT, "images %d-%d of %d", start + 1, start + n, count));
            Scopes.freeingNoGrad(() -> {
                batch(pipeline, data, chosen, first, n, mask, request, measures, written, strips, parts);
                return null;
            });
        }
        written.finish();
        Scopes.freeingNoGrad(() -> {
            Tensor rows = Ops.stack(0, strips.stream().map(f -> Ops.tensor(f, 3, size, size)).toArray(Tensor[]::new));
            Images.write(request.out().resolve("strips.png"), Images.grid(rows, 4, 2));
            return null;
        });
        Labels concepts = Labels.of(data, data.indices(Split.NONE, false));
        double[] recall = Scopes.freeingNoGrad(() -> recall(pipeline, concepts, chosen, parts));
        String method = request.how().usesDecoder(pipeline.hasInpaintingDecoder()) ? "the inpainting decoder" : "RePaint";
        return new Result(method, request.how().resamplings(), count, size, measures.outside / measures.outsideCount, measures.band / measures.bandCount,
                measures.jump / measures.jumpCount, measures.originalJump / measures.jumpCount,
                measures.generatedJump / measures.jumpCount, measures.inpaintedShapes, measures.generatedShapes,
                concepts.size(), recall[0], recall[1], recall[2], recall[3]);
    }

    @SuppressWarnings("unchecked")
    private static List<float[]>[] newParts() {
        List<float[]>[] parts = new List[4];
        for (int i = 0; i < 4; i++) {
            parts[i] = new ArrayList<>();
        }
        return parts;
    }

    /** The mask [1, 1, S, S]: 1 in the middle square of side S/2. */
    static Tensor middle(int size) {
        float[] m = new float[size * size];
        for (int y = size / 4; y < size / 4 + size / 2; y++) {
            for (int x = size / 4; x < size / 4 + size / 2; x++) {
                m[y * size + x] = 1;
            }
        }
        return Ops.tensor(m, 1, 1, size, size);
    }

    /** Inpaints and generates images {@code first …} of {@code chosen}; keeps their CLIP embeddings in {@code parts} (one array per batch). */
    private static void batch(Pipeline pipeline, CaptionDataset data, int[] chosen, int first, int n, Tensor mask,
                              Request request, Measures measures, CaptionedImages written, List<float[]> strips,
                              List<float[]>[] parts) throws IOException {
        int size = pipeline.imageSize();
        float[] pixels = new float[n * 3 * size * size];
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            data.toFloats(chosen[first + i], pixels, i * 3 * size * size);
            captions.add(data.entry(chosen[first + i]).caption());
        }
        Tensor originals = Ops.tensor(pixels, n, 3, size, size);
        long seed = request.seed() + first;
        Tensor inpainted = quantised(pipeline.inpaint(originals, mask, captions, seed, request.settings(), request.how()));
        Tensor generated = quantised(pipeline.generate(captions, seed, request.settings()));
        Tensor masked = originals.mul(Ops.oneMinus(mask));
        for (int k = 0; k < n; k++) {
            int i = k;
            written.add(inpainted.get(i), captions.get(i));
            measures.add(Ops.toFloats(originals.get(i)), Ops.toFloats(inpainted.get(i)), Ops.toFloats(generated.get(i)));
            String caption = captions.get(i);
            ShapeAttributes.tryParse(caption).ifPresent(expected -> {
                measures.inpaintedShapes.add(expected, ShapeScorer.matches(expected, Images.toImage(inpainted.get(i))));
                measures.generatedShapes.add(expected, ShapeScorer.matches(expected, Images.toImage(generated.get(i))));
            });
            if (strips.size() < 4 * STRIPS) {
                for (Tensor t : new Tensor[] {originals, masked, inpainted, generated}) {
                    strips.add(Ops.toFloats(t.get(i)));
                }
            }
        }
        Tensor[] all = {inpainted, generated, masked, originals};
        for (int k = 0; k < 4; k++) {
            parts[k].add(Ops.toFloats(ModelEvaluation.imageEmbeddings(pipeline, all[k])));
        }
    }

    /** The images as PNG writes them: each value rounded to the nearest of the 256 levels, back in [-1, 1]. */
    private static Tensor quantised(Tensor images) {
        return Ops.add(Ops.mul(Ops.clamp(images, -1, 1).add(Ops.scalar(1)).mul(Ops.scalar(127.5)).round(), 1 / 127.5), -1);
    }

    /** Recall@5 of the inpainted, generated, masked and original images' concepts. */
    private static double[] recall(Pipeline pipeline, Labels concepts, int[] chosen, List<float[]>[] parts) {
        Tensor labels = ClipEvaluation.labelEmbeddings(pipeline.clip().model(), pipeline.clip().tokenizer(), concepts, CLIP_BATCH);
        long[] labelOf = new long[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            labelOf[i] = concepts.labelOf()[chosen[i]];
        }
        double[] recall = new double[4];
        for (int k = 0; k < 4; k++) {
            Tensor embeds = Ops.cat(0, parts[k].stream().map(f -> Ops.tensor(f, f.length / labels.size(1), labels.size(1)))
                    .toArray(Tensor[]::new));
            recall[k] = ClipEvaluation.imageToTextRecall(embeds, labels, labelOf, 5);
        }
        return recall;
    }

    /** Running sums of the pixel measures, on 8-bit levels, and the shape scores. */
    private static final class Measures {
        final int size;
        final int lo;
        final int hi;
        final ShapesEvaluation inpaintedShapes = new ShapesEvaluation();
        final ShapesEvaluation generatedShapes = new ShapesEvaluation();
        double outside;
        long outsideCount;
        double band;
        long bandCount;
        double jump;
        double originalJump;
        double generatedJump;
        long jumpCount;

        Measures(int size) {
            this.size = size;
            lo = size / 4;
            hi = size / 4 + size / 2;
        }

        /** Adds one image's measures; each array [3, S, S] in [-1, 1]. */
        void add(float[] original, float[] inpainted, float[] generated) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        int i = (c * size + y) * size + x;
                        double error = 127.5 * Math.abs(inpainted[i] - original[i]);
                        if (!inside(y, x)) {
                            outside += error;
                            outsideCount++;
                        } else if (Math.min(Math.min(y - lo, hi - 1 - y), Math.min(x - lo, hi - 1 - x)) < BAND) {
                            band += error;
                            bandCount++;
                        }
                    }
                }
                for (int k = lo; k < hi; k++) {
                    // the four edges: (inside, outside) pixel pairs
                    int[][] pairs = {{lo, k, lo - 1, k}, {hi - 1, k, hi, k}, {k, lo, k, lo - 1}, {k, hi - 1, k, hi}};
                    for (int[] p : pairs) {
                        int in = (c * size + p[0]) * size + p[1];
                        int out = (c * size + p[2]) * size + p[3];
                        jump += 127.5 * Math.abs(inpainted[in] - inpainted[out]);
                        originalJump += 127.5 * Math.abs(original[in] - original[out]);
                        generatedJump += 127.5 * Math.abs(generated[in] - generated[out]);
                        jumpCount++;
                    }
                }
            }
        }

        private boolean inside(int y, int x) {
            return y >= lo && y < hi && x >= lo && x < hi;
        }
    }
}
