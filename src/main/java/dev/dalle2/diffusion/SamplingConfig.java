package dev.dalle2.diffusion;

import dev.dalle2.io.BadValueException;
import dev.dalle2.io.Checks;

import java.util.List;

/**
 * How to sample: respaced step count, DDIM's η (0 = deterministic; {@code sampler: ddpm} for
 * ancestral sampling), classifier-free guidance scale (1 = none) and x₀ processing
 * ({@code none}, {@code clip}, {@code dynamic} or {@code dynamic:P}).
 */
public record SamplingConfig(String sampler, int steps, double eta, double guidance, String x0) {
    /** Checks for a known sampler and x₀ processing, at least 2 steps, and η and guidance >= 0 (defaults: ddim, clip). */
    public SamplingConfig {
        sampler = sampler == null ? "ddim" : sampler;
        x0 = x0 == null ? "clip" : x0;
        Checks.oneOf("sampler", sampler, List.of("ddim", "ddpm"));
        Checks.atLeast("steps", steps, 2);
        Checks.nonNegative("eta", eta);
        Checks.nonNegative("guidance", guidance);
        try {
            X0Processing.fromName(x0);
        } catch (IllegalArgumentException e) {
            throw new BadValueException("x0", "none, clip, dynamic or dynamic:P (P in (0, 1])", x0);
        }
    }

    public SamplingConfig withSteps(int newSteps) {
        return new SamplingConfig(sampler, newSteps, eta, guidance, x0);
    }


    /** A sampler over {@code steps} evenly spaced steps of the training process. */
    public Sampler build(DiffusionConfig training) {
        NoiseSchedule full = NoiseSchedule.fromName(training.schedule(), training.steps());
        int count = Math.min(steps, training.steps());
        GaussianDiffusion respaced = new GaussianDiffusion(
                full.respace(NoiseSchedule.spacedTimesteps(training.steps(), count)), training.prediction());
        X0Processing processing = X0Processing.fromName(x0);
        return sampler.equals("ddpm") ? new DdpmSampler(respaced, processing) : new DdimSampler(respaced, processing, eta);
    }
}
