package dev.dalle2.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.clip.ClipFolder;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Labels;
import dev.dalle2.data.Split;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeColour;
import dev.dalle2.data.shapes.ShapeSpec;
import dev.dalle2.data.shapes.ShapeType;
import dev.dalle2.io.Progress;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.tokenizer.BpeTokenizer;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How well a CLIP model matches held-out images and texts.
 *
 * <p>Retrieval is scored against the entries' distinct {@link Labels}, each embedded as the mean of
 * its captions' embeddings ({@link #labelEmbeddings}). Image→text recall@k is the
 * fraction of images whose own label is among the k labels most similar to them; text→image
 * recall@k the fraction of labels with one of their images among the k most similar images.
 *
 * <p>Zero-shot shapes (when the captions are shapes captions): for each one-shape image the
 * caption is rewritten with every shape (then every colour), and the model is right when the most
 * similar rewrite names the true shape (colour). No classifier is trained.
 */
public final class ClipEvaluation {
    /** Images and texts embedded at once by {@link #evaluate(Path, Path, String, int)}. */
    private static final int BATCH = 256;

    /**
     * The measured numbers; the zero-shot ones are NaN when the data has no one-shape captions.
     *
     * @param images         held-out images evaluated
     * @param labels         their distinct labels
     * @param imageToText1   image→text recall@1
     * @param imageToText5   image→text recall@5
     * @param textToImage1   text→image recall@1
     * @param textToImage5   text→image recall@5
     * @param shapeImages    one-shape shapes images scored zero-shot (0 for data of other captions)
     * @param zeroShotShape  the fraction of them whose shape CLIP names
     * @param zeroShotColour the fraction of them whose colour CLIP names
     */
    public record Report(int images, int labels, double imageToText1, double imageToText5, double textToImage1,
                         double textToImage5, int shapeImages, double zeroShotShape, double zeroShotColour) {
        /**
         * The table {@code eval clip} prints, every line ending in the line separator, for the held-out part
         * {@code validation} (a split spec, or "all") of {@code dataset}.
         */
        public String table(String validation, Path dataset) {
            String text = String.format("held-out images     %d (%s of %s), %d distinct labels%n", images, validation,
                    dataset, labels)
                    + String.format("image→text  R@1 %s  R@5 %s%n", ReportText.percent(imageToText1),
                    ReportText.percent(imageToText5))
                    + String.format("text→image  R@1 %s  R@5 %s%n", ReportText.percent(textToImage1),
                    ReportText.percent(textToImage5));
            if (shapeImages > 0) {
                text += String.format("zero-shot on %d one-shape images: shape %s, colour %s%n", shapeImages,
                        ReportText.percent(zeroShotShape), ReportText.percent(zeroShotColour));
            }
            return text;
        }

        /** The report as the one JSON object {@code eval clip --json} prints, a field per component. */
        public String json() throws JsonProcessingException {
            return new ObjectMapper().writeValueAsString(this);
        }
    }

    private ClipEvaluation() {}

    /**
     * Loads the CLIP folder {@code model} and the caption dataset {@code dataset} at its image size, and evaluates
     * the held-out entries of the split {@code validation} ({@link Split#parse}'s form, or "all" for every entry),
     * the first {@code limit} of them when {@code limit} is positive.
     */
    public static Report evaluate(Path model, Path dataset, String validation, int limit) throws IOException {
        ClipFolder clip = ClipFolder.load(model);
        CaptionDataset data = CaptionDataset.load(dataset, clip.model().config().imageSize());
        int[] entries = validation.equals("all") ? data.indices(Split.NONE, false)
                : data.indices(Split.parse(validation), true);
        if (limit > 0 && entries.length > limit) {
            entries = Arrays.copyOf(entries, limit);
        }
        return evaluate(clip, data, entries, BATCH);
    }

    /** The report of a loaded CLIP folder on the dataset entries {@code entries}, embedded {@code batchSize} at a time. */
    public static Report evaluate(ClipFolder clip, CaptionDataset data, int[] entries, int batchSize) {
        return evaluate(clip.model(), clip.tokenizer(), data, entries, batchSize);
    }

    /** The report for a model and tokenizer not (yet) saved as a folder, such as the EMA model in training. */
    public static Report evaluate(ClipModel clip, BpeTokenizer tokenizer, CaptionDataset data, int[] entries,
                                  int batchSize) {
        if (entries.length == 0) {
            throw new IllegalArgumentException("no held-out entries to evaluate on");
        }
        return Scopes.freeingNoGrad(() -> {
            Tensor images = imageEmbeddings(clip, data, entries, batchSize);
            Labels labels = Labels.of(data, entries);
            long[] labelOf = labels.labelOf();
            Tensor texts = labelEmbeddings(clip, tokenizer, labels, batchSize);
            float[] sim = Ops.toFloats(images.matmul(texts.t()).contiguous());
            int n = entries.length;
            int m = labels.size();
            ZeroShot zeroShot = zeroShot(clip, tokenizer, data, entries, images, batchSize);
            return new Report(n, m, imageToTextRecall(sim, m, labelOf, 1), imageToTextRecall(sim, m, labelOf, 5),
                    textToImageRecall(sim, m, labelOf, 1), textToImageRecall(sim, m, labelOf, 5),
                    zeroShot.images, zeroShot.shape, zeroShot.colour);
        });
    }

    /** [N, D] unit embeddings of the entries' images; each batch's activations are freed as it ends. */
    public static Tensor imageEmbeddings(ClipModel clip, CaptionDataset data, int[] entries, int batchSize) {
        int s = data.imageSize();
        int d = clip.config().embedDim();
        float[] all = new float[entries.length * d];
        try (Progress progress = new Progress("encode images", entries.length)) {
            for (int start = 0; start < entries.length; start += batchSize) {
                int b = Math.min(batchSize, entries.length - start);
                float[] pixels = new float[b * 3 * s * s];
                for (int i = 0; i < b; i++) {
                    data.toFloats(entries[start + i], pixels, i * 3 * s * s);
                }
                float[] part = Scopes.freeing(() -> Ops.toFloats(clip.encodeImage(Ops.tensor(pixels, b, 3, s, s))));
                System.arraycopy(part, 0, all, start * d, part.length);
                progress.update(start + b, "");
            }
        }
        return Ops.tensor(all, entries.length, d);
    }

    /** [M, D] unit embeddings of the texts; each batch's activations are freed as it ends. */
    public static Tensor textEmbeddings(ClipModel clip, BpeTokenizer tokenizer, List<String> texts, int batchSize) {
        int d = clip.config().embedDim();
        float[] all = new float[texts.size() * d];
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            float[] part = Scopes.freeing(() -> {
                Tensor ids = tokenizer.tokenizeTensor(batch, clip.config().contextLength());
                return Ops.toFloats(clip.encodeText(ids).embedding());
            });
            System.arraycopy(part, 0, all, start * d, part.length);
        }
        return Ops.tensor(all, texts.size(), d);
    }

    /**
     * [M, D] unit embeddings of the labels, each the normalised mean of its captions' embeddings (CLIP's
     * prompt ensembling: a name is described by all its templates at once).
     */
    public static Tensor labelEmbeddings(ClipModel clip, BpeTokenizer tokenizer, Labels labels, int batchSize) {
        List<String> all = labels.captions().stream().flatMap(List::stream).toList();
        float[] each = Ops.toFloats(textEmbeddings(clip, tokenizer, all, batchSize));
        int d = clip.config().embedDim();
        float[] mean = new float[labels.size() * d];
        int row = 0;
        for (int label = 0; label < labels.size(); label++) {
            for (int c = 0; c < labels.captions().get(label).size(); c++, row++) {
                for (int j = 0; j < d; j++) {
                    mean[label * d + j] += each[row * d + j];
                }
            }
        }
        return Ops.normalize(Ops.tensor(mean, labels.size(), d));
    }

    /**
     * Image→text recall@k: the fraction of images whose own label is among the k labels most
     * similar to them, for unit image embeddings [N, D] and label embeddings [M, D].
     */
    public static double imageToTextRecall(Tensor images, Tensor labels, long[] labelOf, int k) {
        return Scopes.freeing(
                () -> imageToTextRecall(Ops.toFloats(images.matmul(labels.t()).contiguous()), (int) labels.size(0), labelOf, k));
    }

    /**
     * The binomial standard error √(p(1 − p)/n) of a recall p measured on n independent images: how
     * far it moves with the draw of the images. A recall of 40% on 100 images is 40 ± 4.9 points.
     */
    public static double standardError(double recall, int images) {
        if (images < 1 || !(recall >= 0 && recall <= 1)) {
            throw new IllegalArgumentException("a recall in [0, 1] over at least one image, got " + recall + " over " + images);
        }
        return Math.sqrt(recall * (1 - recall) / images);
    }

    /** Image→text recall@k from the similarities {@code sim} [N, M] (row-major). */
    private static double imageToTextRecall(float[] sim, int m, long[] labelOf, int k) {
        int n = labelOf.length;
        int hits = 0;
        for (int i = 0; i < n; i++) {
            hits += rankOf(sim, i * m, m, (int) labelOf[i]) < k ? 1 : 0;
        }
        return (double) hits / n;
    }

    /** Text→image recall@k from the similarities {@code sim} [N, M]: labels with one of their images among the k nearest. */
    private static double textToImageRecall(float[] sim, int m, long[] labelOf, int k) {
        int hits = 0;
        for (int j = 0; j < m; j++) {
            hits += bestRank(sim, j, m, labelOf.length, labelOf) < k ? 1 : 0;
        }
        return (double) hits / m;
    }

    /** How many of the {@code count} values at {@code base + k} beat the one at {@code base + target}. */
    private static int rankOf(float[] values, int base, int count, int target) {
        float own = values[base + target];
        int rank = 0;
        for (int k = 0; k < count; k++) {
            if (k != target && values[base + k] > own) {
                rank++;
            }
        }
        return rank;
    }

    /** The rank, among all images, of the best-matching image with label {@code j} for text {@code j}. */
    private static int bestRank(float[] sim, int j, int m, int n, long[] labelOf) {
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (labelOf[i] == j) {
                best = Math.max(best, sim[i * m + j]);
            }
        }
        int rank = 0;
        for (int k = 0; k < n; k++) {
            if (sim[k * m + j] > best) {
                rank++;
            }
        }
        return rank;
    }

    private record ZeroShot(int images, double shape, double colour) {}

    private static ZeroShot zeroShot(ClipModel clip, BpeTokenizer tokenizer, CaptionDataset data, int[] entries, Tensor images, int batchSize) {
        int count = 0;
        int shapeRight = 0;
        int colourRight = 0;
        for (int i = 0; i < entries.length; i++) {
            String caption = data.entry(entries[i]).caption();
            Optional<ShapeAttributes> parsed = ShapeAttributes.tryParse(caption);
            if (parsed.isEmpty() || parsed.get().shapes().size() != 1) {
                continue; // not a shapes caption, or one of two shapes
            }
            ShapeAttributes truth = parsed.get();
            boolean background = caption.contains(" background");
            ShapeSpec s = truth.shapes().get(0);
            List<String> byShape = new ArrayList<>();
            for (ShapeType type : ShapeType.values()) {
                byShape.add(rewrite(truth, new ShapeSpec(type, s.colour(), s.size(), s.x(), s.y(), s.extent()), background));
            }
            List<String> byColour = new ArrayList<>();
            for (ShapeColour colour : ShapeColour.values()) {
                byColour.add(rewrite(truth, new ShapeSpec(s.shape(), colour, s.size(), s.x(), s.y(), s.extent()), background));
            }
            int row = i;
            int[] right = Scopes.freeing(() -> {
                Tensor image = images.get(row).unsqueeze(1);
                return new int[] {
                        argmax(textEmbeddings(clip, tokenizer, byShape, batchSize).matmul(image)) == s.shape().ordinal() ? 1 : 0,
                        argmax(textEmbeddings(clip, tokenizer, byColour, batchSize).matmul(image)) == s.colour().ordinal() ? 1 : 0};
            });
            shapeRight += right[0];
            colourRight += right[1];
            count++;
        }
        return count == 0 ? new ZeroShot(0, Double.NaN, Double.NaN)
                : new ZeroShot(count, (double) shapeRight / count, (double) colourRight / count);
    }

    private static String rewrite(ShapeAttributes truth, ShapeSpec shape, boolean background) {
        return new ShapeAttributes(List.of(shape), truth.relation(), truth.background()).caption(background);
    }

    private static int argmax(Tensor scores) {
        float[] v = Ops.toFloats(scores.contiguous());
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }
}
