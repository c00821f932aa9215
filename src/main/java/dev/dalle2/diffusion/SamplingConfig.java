package dev.dalle2.diffusion;

/**
 * How to sample: respaced step count, DDIM's η (0 = deterministic; {@code sampler: ddpm} for
 * ancestral sampling), classifier-free guidance scale (1 = none) and x₀ processing
 * ({@code none}, {@code clip}, {@code dynamic} or {@code dynamic:P}).
 */
public record SamplingConfig(String sampler, int steps, double eta, double guidance, String x0) {
    public SamplingConfig {
        sampler = sampler == null ? "ddim" : sampler;
        x0 = x0 == null ? "clip" : x0;
        if (!sampler.equals("ddim") && !sampler.equals("ddpm")) {
            throw new IllegalArgumentException("unknown sampler '" + sampler + "' (use ddim or ddpm)");
        }
        if (steps < 2) {
            throw new IllegalArgumentException("sampling needs at least 2 steps, got " + steps);
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
