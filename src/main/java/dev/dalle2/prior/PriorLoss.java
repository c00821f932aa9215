package dev.dalle2.prior;

import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.GaussianDiffusion;
import dev.dalle2.diffusion.Prediction;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/** The training objective of the {@link DiffusionPrior}, and its default diffusion process. */
public final class PriorLoss {
    /** As in the paper: 1000-step cosine schedule, the network predicts x₀ (the clean image embedding). */
    public static final DiffusionConfig DIFFUSION = new DiffusionConfig("cosine", 1000, Prediction.X0);
    /** Probability of replacing the text condition by the null condition (classifier-free guidance): 10%. */
    public static final double DROP_PROB = 0.1;

    private PriorLoss() {}

    /**
     * The simple diffusion loss on a batch ({@link GaussianDiffusion#trainingLoss}, the MSE against x₀
     * for an x₀-predicting diffusion) in the scaled space: the image and text embeddings are scaled
     * by √D here. Each row's text condition is dropped with probability {@code dropProb}. Draws the
     * drop mask, then t and the noise, from {@code g} (the default generator when null).
     *
     * @param imageEmbed unit-norm CLIP image embeddings [B, D], the x₀ to predict
     * @param textEmbed  unit-norm CLIP text embeddings [B, D]
     * @param textTokens text token encodings [B, T, W], or null for a prior without them
     * @param textMask   [B, T], true for real tokens; or null
     * @return the scalar loss, carrying the prior's graph
     */
    public static Tensor loss(DiffusionPrior prior, GaussianDiffusion diffusion, Tensor imageEmbed, Tensor textEmbed,
                              Tensor textTokens, Tensor textMask, double dropProb, Generator g) {
        if (!(dropProb >= 0 && dropProb <= 1)) {
            throw new IllegalArgumentException("drop probability must be in [0, 1], got " + dropProb);
        }
        Tensor drop = Ops.rand(g, imageEmbed.size(0)).lt(Ops.scalar(dropProb));
        return diffusion.trainingLoss(new PriorDenoiser(prior), DiffusionPrior.toDiffusionSpace(imageEmbed),
                PriorDenoiser.conditions(DiffusionPrior.toDiffusionSpace(textEmbed), textTokens, textMask, drop), g);
    }
}
