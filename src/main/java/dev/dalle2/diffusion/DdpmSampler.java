package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * Ancestral DDPM sampling (Ho et al. 2020) with the fixed small variance:
 * x_{t−1} = μ̃(x̂₀, x_t) + √β̃_t · z, z ~ N(0, I), with no noise at the last step.
 */
public final class DdpmSampler extends Sampler {
    /** Samples on {@code diffusion}'s schedule, processing every x̂₀ with {@code x0Processing}. */
    public DdpmSampler(GaussianDiffusion diffusion, X0Processing x0Processing) {
        super(diffusion, x0Processing);
    }

    @Override
    protected Tensor step(Denoiser model, Tensor x, int i, Tensor t, Map<String, Tensor> cond, Generator g) {
        Tensor mean = diffusion.qPosteriorMean(predictX0(model, x, t, cond), x, t);
        if (i == 0) {
            return mean;
        }
        Tensor std = diffusion.qPosteriorVariance(t, (int) x.dim()).sqrt();
        return mean.add(std.mul(Ops.randn(g, x.shape())));
    }
}
