package dev.dalle2.prior;

import dev.dalle2.diffusion.ClassifierFreeGuidance;
import dev.dalle2.diffusion.Denoiser;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.StepListener;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sampling CLIP image embeddings from a {@link DiffusionPrior} for a batch of captions, with
 * classifier-free guidance and best-of-N: N candidates are drawn per caption and the one with the
 * highest dot product with the caption's text embedding is kept (N = 2 in the paper).
 */
public final class PriorSampling {
    /**
     * DDIM (η = 0) on 64 evenly spaced steps of {@link PriorLoss#DIFFUSION}, no guidance, x̂₀ left
     * unclipped (the scaled embeddings are not bounded by 1). Build with {@code SAMPLING.build(PriorLoss.DIFFUSION)}.
     */
    public static final SamplingConfig SAMPLING = new SamplingConfig("ddim", 64, 0.0, 1.0, "none");
    /** Candidates per caption for best-of-N. */
    public static final int CANDIDATES = 2;

    private PriorSampling() {}

    /**
     * Samples with the prior as it is: put it in eval mode first ({@code prior.train(false)}; an EMA copy
     * already is), or its dropout stays on.
     *
     * @param sampler    e.g. {@code SAMPLING.build(PriorLoss.DIFFUSION)}; its x₀ processing should be none
     * @param guidance   classifier-free guidance scale; 1 samples the conditional model alone
     * @param candidates N ≥ 1 samples per caption, of which the best is kept
     * @param textEmbed  unit-norm CLIP text embeddings [B, D]
     * @param textTokens text token encodings [B, T, W], or null for a prior without them
     * @param textMask   [B, T], true for real tokens; or null
     * @param g          draws the starting noise (the default generator when null)
     * @return unit-norm image embeddings [B, D], float32
     */
    public static Tensor sample(DiffusionPrior prior, Sampler sampler, double guidance, int candidates, Tensor textEmbed,
                                Tensor textTokens, Tensor textMask, Generator g) {
        return sample(prior, sampler, guidance, candidates, textEmbed, textTokens, textMask, g, null);
    }

    /** As above, telling {@code listener} (may be null) of every step. */
    public static Tensor sample(DiffusionPrior prior, Sampler sampler, double guidance, int candidates, Tensor textEmbed,
                                Tensor textTokens, Tensor textMask, Generator g, StepListener listener) {
        checkCandidates(candidates);
        long rows = candidates * textEmbed.size(0);
        Map<String, Tensor> cond = PriorDenoiser.conditions(repeat(DiffusionPrior.toDiffusionSpace(textEmbed), candidates),
                repeat(textTokens, candidates), repeat(textMask, candidates), null);
        Denoiser model = new PriorDenoiser(prior);
        if (guidance != 1) {
            Map<String, Tensor> uncond = new LinkedHashMap<>(cond);
            Tensor notDropped = Ops.zeros(rows).to(torch.ScalarType.Bool);
            cond.put(PriorDenoiser.DROP_TEXT, notDropped);
            uncond.put(PriorDenoiser.DROP_TEXT, notDropped.logical_not());
            model = new ClassifierFreeGuidance(model, uncond, guidance);
        }
        return sample(model, sampler, cond, textEmbed, candidates, g, listener);
    }

    /**
     * Best-of-N around any denoiser: samples [N·B, D] (candidate k of caption b in row k·B + b, as
     * {@code cond} must be laid out) and keeps the best candidate per caption.
     */
    static Tensor sample(Denoiser model, Sampler sampler, Map<String, Tensor> cond, Tensor textEmbed, int candidates,
                         Generator g) {
        return sample(model, sampler, cond, textEmbed, candidates, g, null);
    }

    private static Tensor sample(Denoiser model, Sampler sampler, Map<String, Tensor> cond, Tensor textEmbed, int candidates,
                                 Generator g, StepListener listener) {
        checkCandidates(candidates);
        long b = textEmbed.size(0);
        long d = textEmbed.size(1);
        Tensor x = sampler.sample(model, new long[] {candidates * b, d}, cond, g, listener);
        return bestOf(DiffusionPrior.fromDiffusionSpace(x).reshape(candidates, b, d), textEmbed);
    }

    /**
     * The candidate with the highest dot product with its caption's text embedding.
     *
     * @param candidates [N, B, D]
     * @param textEmbed  [B, D]
     * @return [B, D], row b the best of {@code candidates[:, b]}
     */
    public static Tensor bestOf(Tensor candidates, Tensor textEmbed) {
        long b = candidates.size(1);
        long d = candidates.size(2);
        Tensor scores = Ops.sum(candidates.mul(textEmbed.unsqueeze(0)), 2);
        Tensor best = Ops.argmax(scores, 0);
        return candidates.gather(0, best.reshape(1, b, 1).expand(1, b, d)).select(0, 0);
    }

    /** n copies of x stacked on dim 0 ([n·B, ...]); null stays null. */
    private static Tensor repeat(Tensor x, int n) {
        if (x == null) {
            return null;
        }
        long[] times = new long[(int) x.dim()];
        Arrays.fill(times, 1);
        times[0] = n;
        return x.repeat(times);
    }

    private static void checkCandidates(int candidates) {
        if (candidates < 1) {
            throw new IllegalArgumentException("best-of-N needs N >= 1, got " + candidates);
        }
    }
}
