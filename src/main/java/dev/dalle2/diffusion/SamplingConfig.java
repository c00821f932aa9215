package dev.dalle2.diffusion;

import dev.dalle2.io.BadValueException;
import dev.dalle2.io.Checks;

import java.util.List;

/**
 * How to sample: the sampler ({@code ddim}, {@code ddpm} for ancestral sampling, or
 * {@code dpmpp-2m}, DPM-Solver++(2M), which gets as far in fewer steps), respaced step count, DDIM's η
 * (0 = deterministic), classifier-free guidance scale (1 = none) and x₀ processing
 * ({@code none}, {@code clip}, {@code dynamic} or {@code dynamic:P}).
 */
public record SamplingConfig(String sampler, int steps, double eta, double guidance, String x0) {
    /** The samplers by name: DDIM, ancestral DDPM and DPM-Solver++(2M). */
    public static final List<String> SAMPLERS = List.of("ddim", "ddpm", "dpmpp-2m");

    /** Checks for a known sampler and x₀ processing, at least 2 steps, and η and guidance >= 0 (defaults: ddim, clip). */
    public SamplingConfig {
        sampler = sampler == null ? "ddim" : sampler;
        x0 = x0 == null ? "clip" : x0;
        Checks.oneOf("sampler", sampler, SAMPLERS);
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

    /** The same settings with another sampler, one of {@link #SAMPLERS}. */
    public SamplingConfig withSampler(String newSampler) {
        return new SamplingConfig(newSampler, steps, eta, guidance, x0);
    }


    /**
     * A sampler over {@code steps} evenly spaced steps of the training process; for DPM-Solver++
     * they leave out t = 0 ({@link NoiseSchedule#spacedTimestepsAboveZero}), since its last step lands on x̂₀.
     */
    public Sampler build(DiffusionConfig training) {
        NoiseSchedule full = NoiseSchedule.fromName(training.schedule(), training.steps());
        int count = Math.min(steps, training.steps());
        int[] kept = sampler.equals("dpmpp-2m") ? NoiseSchedule.spacedTimestepsAboveZero(training.steps(), Math.min(count, training.steps() - 1))
                : NoiseSchedule.spacedTimesteps(training.steps(), count);
        GaussianDiffusion respaced = new GaussianDiffusion(full.respace(kept), training.prediction());
        X0Processing processing = X0Processing.fromName(x0);
        return switch (sampler) {
            case "ddpm" -> new DdpmSampler(respaced, processing);
            case "dpmpp-2m" -> new DpmSolverSampler(respaced, processing);
            default -> new DdimSampler(respaced, processing, eta);
        };
    }
}
