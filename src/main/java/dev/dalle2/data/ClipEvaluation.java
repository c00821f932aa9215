package dev.dalle2.data;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.io.Progress;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a CLIP model matches held-out images and texts.
 *
 * <p>Retrieval: each held-out entry has a label, its {@code concept} when the dataset names one,
 * otherwise its first caption; each distinct label is written as the first caption of its first
 * entry. Image→text recall@k is the fraction of images whose own label is among the k labels most
 * similar to them; text→image recall@k the fraction of labels with one of their images among the k
 * most similar images.
 *
 * <p>Zero-shot shapes (when the captions are shapes captions): for each one-shape image the
 * caption is rewritten with every shape (then every colour), and the model is right when the most
 * similar rewrite names the true shape (colour). No classifier is trained.
 */
public final class ClipEvaluation {
    /** The measured numbers; the zero-shot ones are NaN when the data has no one-shape captions. */
    public record Report(int images, int labels, double imageToText1, double imageToText5, double textToImage1,
                         double textToImage5, int shapeImages, double zeroShotShape, double zeroShotColour) {}

    private ClipEvaluation() {}

    public static Report evaluate(ClipFolder clip, CaptionDataset data, int[] entries, int batchSize) {
        if (entries.length == 0) {
            throw new IllegalArgumentException("no held-out entries to evaluate on");
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor images = imageEmbeddings(clip, data, entries, batchSize);
            Map<String, Integer> labelIndex = new LinkedHashMap<>();
            List<String> labelTexts = new ArrayList<>();
            long[] labelOf = new long[entries.length];
            for (int i = 0; i < entries.length; i++) {
                CaptionDataset.Entry e = data.entry(entries[i]);
                String label = e.concept() != null ? e.concept() : e.caption();
                Integer index = labelIndex.get(label);
                if (index == null) {
                    index = labelTexts.size();
                    labelIndex.put(label, index);
                    labelTexts.add(e.caption());
                }
                labelOf[i] = index;
            }
            Tensor texts = textEmbeddings(clip, labelTexts, batchSize);
            float[] sim = Ops.toFloats(images.matmul(texts.t()).contiguous());
            int n = entries.length;
            int m = labelTexts.size();
            double[] i2t = new double[2];
            for (int i = 0; i < n; i++) {
                int rank = rankOf(sim, i * m, 1, m, (int) labelOf[i]);
                i2t[0] += rank < 1 ? 1 : 0;
                i2t[1] += rank < 5 ? 1 : 0;
            }
            double[] t2i = new double[2];
            for (int j = 0; j < m; j++) {
                int best = bestRank(sim, j, m, n, labelOf);
                t2i[0] += best < 1 ? 1 : 0;
                t2i[1] += best < 5 ? 1 : 0;
            }
            ZeroShot zeroShot = zeroShot(clip, data, entries, images, batchSize);
            return new Report(n, m, i2t[0] / n, i2t[1] / n, t2i[0] / m, t2i[1] / m,
                    zeroShot.images, zeroShot.shape, zeroShot.colour);
        }
    }

    /** [N, D] unit embeddings of the entries' images. */
    static Tensor imageEmbeddings(ClipFolder clip, CaptionDataset data, int[] entries, int batchSize) {
        int s = data.imageSize();
        List<Tensor> parts = new ArrayList<>();
        try (Progress progress = new Progress("encode images", entries.length)) {
            for (int start = 0; start < entries.length; start += batchSize) {
                int b = Math.min(batchSize, entries.length - start);
                float[] pixels = new float[b * 3 * s * s];
                for (int i = 0; i < b; i++) {
                    data.toFloats(entries[start + i], pixels, i * 3 * s * s);
                }
                parts.add(clip.model().encodeImage(Ops.tensor(pixels, b, 3, s, s)));
                progress.update(start + b, "");
            }
        }
        return Ops.cat(0, parts.toArray(new Tensor[0]));
    }

    /** [M, D] unit embeddings of the texts. */
    static Tensor textEmbeddings(ClipFolder clip, List<String> texts, int batchSize) {
        List<Tensor> parts = new ArrayList<>();
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            Tensor ids = clip.tokenizer().tokenizeTensor(batch, clip.model().config().contextLength());
            parts.add(clip.model().encodeText(ids).embedding());
        }
        return Ops.cat(0, parts.toArray(new Tensor[0]));
    }

    /** How many of the {@code count} values at {@code base + k·stride} beat the one at {@code target}. */
    private static int rankOf(float[] values, int base, int stride, int count, int target) {
        float own = values[base + target * stride];
        int rank = 0;
        for (int k = 0; k < count; k++) {
            if (k != target && values[base + k * stride] > own) {
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

    private static ZeroShot zeroShot(ClipFolder clip, CaptionDataset data, int[] entries, Tensor images, int batchSize) {
        int count = 0;
        int shapeRight = 0;
        int colourRight = 0;
        for (int i = 0; i < entries.length; i++) {
            String caption = data.entry(entries[i]).caption();
            ShapeAttributes truth;
            try {
                truth = ShapeAttributes.parse(caption);
            } catch (IllegalArgumentException notShapes) {
                continue;
            }
            if (truth.shapes().size() != 1) {
                continue;
            }
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
            try (PointerScope scope = new PointerScope()) {
                Tensor image = images.get(i).unsqueeze(1);
                shapeRight += argmax(textEmbeddings(clip, byShape, batchSize).matmul(image)) == s.shape().ordinal() ? 1 : 0;
                colourRight += argmax(textEmbeddings(clip, byColour, batchSize).matmul(image)) == s.colour().ordinal() ? 1 : 0;
            }
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
