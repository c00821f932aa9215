package dev.dalle2.train;

import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.ImageAugmentation;
import dev.dalle2.eval.ClipEvaluation;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.tokenizer.BpeTokenizer;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains CLIP contrastively: a batch of B images [B, 3, S, S] and, for each, one of its caption
 * variants drawn at random, tokenised to [B, T]; the loss is CLIP's symmetric cross-entropy over
 * the B×B similarity matrix. Training images are augmented when the recipe asks for it. The
 * preview is that matrix for held-out pairs, drawn by the EMA model; validation is the EMA model's
 * retrieval recall on every held-out entry.
 */
public final class ClipTask extends NetworkTask<ClipModel> {
    private final CaptionDataset data;
    private final int[] train;
    private final int[] preview;
    private final int[] validation;
    private final BpeTokenizer tokenizer;
    private final ImageAugmentation augmentation;

    /**
     * @param train      the dataset entries to train on
     * @param preview    the held-out entries shown in previews
     * @param validation the held-out entries whose recall is measured at each preview (may be empty)
     */
    public ClipTask(ClipModel model, ClipModel average, CaptionDataset data, int[] train, int[] preview,
                    int[] validation, BpeTokenizer tokenizer, ImageAugmentation augmentation) {
        super(model, average);
        if (data.imageSize() != model.config().imageSize()) {
            throw new IllegalArgumentException("the data's images are " + data.imageSize()
                    + " px but CLIP's imageSize is " + model.config().imageSize());
        }
        if (tokenizer.vocabSize() != model.config().vocabSize() || tokenizer.endToken() != model.config().endToken()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize() + " tokens (end token "
                    + tokenizer.endToken() + ") but CLIP's vocabSize is " + model.config().vocabSize()
                    + " (endToken " + model.config().endToken() + ")");
        }
        if (train.length < 2) {
            throw new IllegalArgumentException("contrastive training needs at least 2 training entries, got " + train.length);
        }
        this.data = data;
        this.train = train;
        this.preview = preview;
        this.validation = validation;
        this.tokenizer = tokenizer;
        this.augmentation = augmentation;
    }

    @Override
    public int size() {
        return train.length;
    }

    @Override
    public HostBatch load(int[] indices, Random random) {
        int[] entries = new int[indices.length];
        List<String> captions = new ArrayList<>(indices.length);
        for (int i = 0; i < indices.length; i++) {
            entries[i] = train[indices[i]];
            List<String> variants = data.entry(entries[i]).captions();
            captions.add(variants.get(random.nextInt(variants.size())));
        }
        HostBatch.Array images = images(data, entries);
        if (augmentation.enabled()) {
            int s = data.imageSize();
            int per = 3 * s * s;
            float[] pixels = images.data();
            for (int i = 0; i < entries.length; i++) {
                augmentation.apply(pixels, i * per, s, random, pixels, i * per);
            }
        }
        return new HostBatch(Map.of("image", images, "ids", ids(tokenizer, captions, model.config().contextLength())));
    }

    @Override
    public Tensor loss(HostBatch batch, Generator g) {
        Tensor ids = batch.tensor("ids").to(torch.ScalarType.Long);
        return model.loss(model.encodeImage(batch.tensor("image")), model.encodeText(ids).embedding());
    }

    /** Cosine similarities of held-out images (rows) and their first captions (columns), as a heat map. */
    @Override
    public Tensor preview(Generator g) {
        List<String> captions = new ArrayList<>(preview.length);
        for (int i : preview) {
            captions.add(data.entry(i).caption());
        }
        return Scopes.noGrad(() -> {
            Tensor images = batchTensor(images(data, preview));
            Tensor ids = batchTensor(ids(tokenizer, captions, model.config().contextLength())).to(torch.ScalarType.Long);
            Tensor similarity = average.encodeImage(images).matmul(average.encodeText(ids).embedding().t());
            return SimilarityChart.draw(images, captions, Ops.toFloats(similarity.contiguous()));
        });
    }

    /** Image→text and text→image recall@1 and @5 of the EMA model on the held-out entries. */
    @Override
    public Map<String, Double> validate() {
        if (validation.length < 2) {
            return Map.of();
        }
        ClipEvaluation.Report r = ClipEvaluation.evaluate(average, tokenizer, data, validation, 256);
        Map<String, Double> recall = new LinkedHashMap<>();
        recall.put("val_i2t_r1", r.imageToText1());
        recall.put("val_i2t_r5", r.imageToText5());
        recall.put("val_t2i_r1", r.textToImage1());
        recall.put("val_t2i_r5", r.textToImage5());
        return recall;
    }

    private static Tensor batchTensor(HostBatch.Array array) {
        return Ops.tensor(array.data(), array.shape());
    }

    /** The images of {@code entries} as one [B, 3, S, S] array in [-1, 1]. */
    static HostBatch.Array images(CaptionDataset data, int[] entries) {
        int s = data.imageSize();
        int per = 3 * s * s;
        float[] out = new float[entries.length * per];
        for (int i = 0; i < entries.length; i++) {
            data.toFloats(entries[i], out, i * per);
        }
        return new HostBatch.Array(out, entries.length, 3, s, s);
    }

    /** Token ids [B, T] (as floats, exact below 2²⁴, for the float-only host batch). */
    static HostBatch.Array ids(BpeTokenizer tokenizer, List<String> captions, int contextLength) {
        long[][] rows = tokenizer.tokenize(captions, contextLength);
        float[] out = new float[rows.length * contextLength];
        for (int b = 0; b < rows.length; b++) {
            for (int t = 0; t < contextLength; t++) {
                out[b * contextLength + t] = rows[b][t];
            }
        }
        return new HostBatch.Array(out, rows.length, contextLength);
    }
}
