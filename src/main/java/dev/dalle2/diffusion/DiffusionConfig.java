package dev.dalle2.diffusion;

/**
 * The training-time diffusion process of a network: noise schedule name ({@code cosine} or
 * {@code linear}), number of steps, and what the network predicts.
 */
public record DiffusionConfig(String schedule, int steps, Prediction prediction) {
    public DiffusionConfig {
        if (schedule == null || prediction == null || steps < 2) {
            throw new IllegalArgumentException("diffusion needs a schedule, a prediction and at least 2 steps");
        }
    }

    public GaussianDiffusion build() {
        return new GaussianDiffusion(NoiseSchedule.fromName(schedule, steps), prediction);
    }
}
