package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * DDIM sampling (Song et al. 2021): with ε̂ re-derived from the processed x̂₀,
 * x_prev = √ᾱ_prev x̂₀ + √(1 − ᾱ_prev − σ²) ε̂ + σ z, where
 * σ = η √((1 − ᾱ_prev)/(1 − ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev). η = 0 is deterministic; η = 1 matches DDPM's
 * variance. Usually run on a respaced schedule.
 */
public final class DdimSampler extends Sampler {
    private final double eta;

    /** Samples on {@code diffusion}'s schedule, processing every x̂₀ with {@code x0Processing}; η ≥ 0. */
    public DdimSampler(GaussianDiffusion diffusion, X0Processing x0Processing, double eta) {
        super(diffusion, x0Processing);
        if (eta < 0) {
            throw new IllegalArgumentException("eta must be >= 0, got " + eta);
        }
        this.eta = eta;
    }

    @Override
    protected Tensor step(Denoiser model, Tensor x, int i, Tensor t, Map<String, Tensor> cond, Generator g) {
        Tensor x0 = predictX0(model, x, t, cond);
        Tensor eps = diffusion.epsFromX0(x, t, x0);
        double abar = alphasCumprod[i];
        double abarPrev = alphasCumprodPrev[i];
        double sigma = eta * Math.sqrt((1 - abarPrev) / (1 - abar)) * Math.sqrt(1 - abar / abarPrev);
        Tensor mean = Ops.addScaled(Ops.mul(x0, Math.sqrt(abarPrev)), eps, Math.sqrt(Math.max(0, 1 - abarPrev - sigma * sigma)));
        if (i == 0 || sigma == 0) {
            return mean;
        }
        return Ops.addScaled(mean, Ops.randn(g, x.shape()), sigma);
    }
}
