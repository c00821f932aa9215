package dev.dalle2.train;

import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.diffusion.GaussianDiffusion;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.prior.DiffusionPrior;
import dev.dalle2.prior.PriorLoss;
import dev.dalle2.prior.PriorSampling;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains the diffusion prior from a dataset's embedding cache: each example is one caption variant
 * of a training image, with its text embedding [D], token encodings [T, W] and the image's
 * embedding [D] as the x₀ to predict. The text condition is dropped with probability
 * {@code dropProb}. The preview samples image embeddings for held-out captions with the EMA prior
 * and charts their cosine similarity to the true image embeddings.
 */
public final class PriorTask extends NetworkTask<DiffusionPrior> {
    private final EmbeddingCache cache;
    private final CaptionDataset data;
    private final long[] train;
    private final long[] preview;
    private final GaussianDiffusion diffusion;
    private final Sampler sampler;
    private final double guidance;
    private final int bestOf;
    private final double dropProb;

    /**
     * @param train   cache rows (caption variants) to train on
     * @param preview cache rows shown in previews
     */
    public PriorTask(DiffusionPrior model, DiffusionPrior average, EmbeddingCache cache, CaptionDataset data,
                     long[] train, long[] preview, PriorRunConfig config) {
        super(model, average);
        EmbeddingCache.Manifest m = cache.manifest();
        var p = model.config();
        if (p.embedDim() != m.embedDim() || (p.textWidth() > 0 && (p.textWidth() != m.textWidth()
                || p.contextLength() != m.contextLength()))) {
            throw new IllegalArgumentException("the prior expects embeddings of " + p.embedDim() + " and tokens ["
                    + p.contextLength() + ", " + p.textWidth() + "] but the cache has " + m.embedDim() + " and ["
                    + m.contextLength() + ", " + m.textWidth() + "]");
        }
        this.cache = cache;
        this.data = data;
        this.train = train;
        this.preview = preview;
        this.diffusion = config.diffusion().build();
        this.sampler = config.sampling().build(config.diffusion());
        this.guidance = config.sampling().guidance();
        this.bestOf = config.bestOf();
        this.dropProb = config.training().condDropProb();
    }

    @Override
    public int size() {
        return train.length;
    }

    @Override
    public HostBatch load(int[] indices, Random random) {
        float[] rows = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            rows[i] = train[indices[i]];
        }
        return new HostBatch(Map.of("rows", new HostBatch.Array(rows, indices.length)));
    }

    @Override
    public Tensor loss(HostBatch batch, Generator g) {
        Condition c = condition(batch.tensor("rows").to(torch.ScalarType.Long));
        return PriorLoss.loss(model, diffusion, c.image, c.text, c.tokens, c.mask, dropProb, g);
    }

    /** Cosine similarity of embeddings sampled for held-out captions (rows) to the true image embeddings (columns). */
    @Override
    public Tensor preview(Generator g) {
        return Scopes.noGrad(() -> {
            Condition c = condition(Ops.longTensor(preview, preview.length));
            Tensor sampled = PriorSampling.sample(average, sampler, guidance, bestOf, c.text, c.tokens, c.mask, g);
            List<String> captions = new ArrayList<>();
            int s = data.imageSize();
            float[] pixels = new float[preview.length * 3 * s * s];
            for (int i = 0; i < preview.length; i++) {
                data.toFloats(cache.imageOf(preview[i]), pixels, i * 3 * s * s);
                captions.add(cache.caption(data, preview[i]));
            }
            float[] similarity = Ops.toFloats(sampled.matmul(c.image.t()).contiguous());
            return SimilarityChart.draw(Ops.tensor(pixels, preview.length, 3, s, s), captions, similarity);
        });
    }

    private record Condition(Tensor image, Tensor text, Tensor tokens, Tensor mask) {}

    private Condition condition(Tensor rows) {
        Tensor image = cache.imageEmbeds().index_select(0, cache.captionImage().index_select(0, rows));
        Tensor text = cache.textEmbeds().index_select(0, rows);
        if (model.config().textWidth() == 0) {
            return new Condition(image, text, null, null);
        }
        Tensor tokens = cache.textTokens().index_select(0, rows).to(torch.ScalarType.Float);
        return new Condition(image, text, tokens, ClipModel.tokenMask(cache.textIds().index_select(0, rows), cache.manifest().endToken()));
    }
}
