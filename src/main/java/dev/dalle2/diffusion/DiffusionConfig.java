package dev.dalle2.diffusion;

/**
 * The training-time diffusion process of a network: noise schedule name ({@code cosine} or
 * {@code linear}), number of steps, what the network predicts, and optionally {@code minSnrGamma},
 * the γ of Min-SNR loss weighting (Hang et al. 2023; null or absent: the simple, unweighted loss).
 */
public record DiffusionConfig(String schedule, int steps, Prediction prediction, Double minSnrGamma) {
    public DiffusionConfig {
        if (schedule == null || prediction == null || steps < 2) {
            throw new IllegalArgumentException("diffusion needs a schedule, a prediction and at least 2 steps");
        }
        if (minSnrGamma != null && !(minSnrGamma > 0)) {
            throw new IllegalArgumentException("minSnrGamma must be > 0, got " + minSnrGamma);
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
