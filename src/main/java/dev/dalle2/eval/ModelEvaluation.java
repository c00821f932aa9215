package dev.dalle2.eval;

import dev.dalle2.clip.ClipModel.TextFeatures;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.pipeline.Settings;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.List;

/**
 * Quality numbers of a whole model: how close the prior's image embeddings come to the true ones,
 * and how well generated images match their prompts in CLIP's eyes.
 */
public final class ModelEvaluation {
    private ModelEvaluation() {}

    /**
     * @param captions      held-out captions measured
     * @param priorCosine   mean cosine between the prior's sampled image embedding and the caption's true image embedding
     * @param textCosine    the baseline: mean cosine between the caption's text embedding and its true image embedding
     */
    public record PriorQuality(int captions, double priorCosine, double textCosine) {}

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
