package dev.dalle2.diffusion;

import dev.dalle2.io.Checks;

/**
 * The training-time diffusion process of a network: noise schedule name ({@code cosine} or
 * {@code linear}), number of steps, what the network predicts, and optionally {@code minSnrGamma},
 * the γ of Min-SNR loss weighting (Hang et al. 2023; null or absent: the simple, unweighted loss).
 */
public record DiffusionConfig(String schedule, int steps, Prediction prediction, Double minSnrGamma) {
    /** Checks for a known schedule, a prediction, at least 2 steps and a {@code minSnrGamma} > 0 when given. */
    public DiffusionConfig {
        Checks.oneOf("schedule", schedule, NoiseSchedule.NAMES);
        Checks.atLeast("steps", steps, 2);
        Checks.present("prediction", prediction);
        if (minSnrGamma != null) {
            Checks.positive("minSnrGamma", minSnrGamma);
        }
    }

    /** The simple, unweighted loss. */
    public DiffusionConfig(String schedule, int steps, Prediction prediction) {
        this(schedule, steps, prediction, null);
    }

    public GaussianDiffusion build() {
        return new GaussianDiffusion(NoiseSchedule.fromName(schedule, steps), prediction, minSnrGamma);
    }
}
