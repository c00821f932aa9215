package dev.dalle2.train;

import dev.dalle2.io.Checks;

/**
 * The optimisation recipe shared by every network.
 *
 * @param batchSize       examples per step
 * @param learningRate    peak AdamW learning rate
 * @param warmupSteps     linear warm-up length
 * @param totalSteps      length of the run (the cosine schedule ends here)
 * @param minLrRatio      final learning rate as a fraction of the peak
 * @param weightDecay     AdamW's decoupled weight decay
 * @param emaDecay        EMA decay of the inference weights
 * @param gradClip        maximum global gradient norm (0 = no clipping)
 * @param bf16            bf16 autocast for the forward pass (fp32 master weights and gradients)
 * @param condDropProb    probability of replacing the condition by the null embedding (classifier-free guidance)
 * @param checkpointEvery steps between checkpoints
 * @param sampleEvery     steps between sample grids
 * @param sampleCount     images in each sample grid
 * @param maxSkippedSteps consecutive steps with a non-finite loss or gradient norm that are skipped (no
 *                        optimiser or EMA update) before the run stops with an error; absent in a recipe = 5
 */
public record TrainingConfig(int batchSize, double learningRate, int warmupSteps, int totalSteps, double minLrRatio,
                             double weightDecay, double emaDecay, double gradClip, boolean bf16, double condDropProb,
                             int checkpointEvery, int sampleEvery, int sampleCount, Integer maxSkippedSteps) {
    /** The default of {@code maxSkippedSteps}. */
    public static final int DEFAULT_MAX_SKIPPED_STEPS = 5;

    /** Checks every field: counts at least 1, a learning rate > 0, ratios and probabilities in [0, 1], an EMA decay in [0, 1). */
    public TrainingConfig {
        if (maxSkippedSteps == null) {
            maxSkippedSteps = DEFAULT_MAX_SKIPPED_STEPS;
        }
        Checks.atLeast("batchSize", batchSize, 1);
        Checks.positive("learningRate", learningRate);
        Checks.atLeast("warmupSteps", warmupSteps, 0);
        Checks.atLeast("totalSteps", totalSteps, 1);
        Checks.probability("minLrRatio", minLrRatio);
        Checks.nonNegative("weightDecay", weightDecay);
        Checks.fraction("emaDecay", emaDecay);
        Checks.nonNegative("gradClip", gradClip);
        Checks.probability("condDropProb", condDropProb);
        Checks.atLeast("checkpointEvery", checkpointEvery, 1);
        Checks.atLeast("sampleEvery", sampleEvery, 1);
        Checks.atLeast("sampleCount", sampleCount, 1);
        Checks.atLeast("maxSkippedSteps", maxSkippedSteps, 1);
    }

    /** A recipe with the default {@code maxSkippedSteps}. */
    public TrainingConfig(int batchSize, double learningRate, int warmupSteps, int totalSteps, double minLrRatio,
                          double weightDecay, double emaDecay, double gradClip, boolean bf16, double condDropProb,
                          int checkpointEvery, int sampleEvery, int sampleCount) {
        this(batchSize, learningRate, warmupSteps, totalSteps, minLrRatio, weightDecay, emaDecay, gradClip, bf16,
                condDropProb, checkpointEvery, sampleEvery, sampleCount, null);
    }

    public LrSchedule schedule() {
        return new LrSchedule(learningRate, Math.min(warmupSteps, totalSteps - 1), totalSteps, minLrRatio);
    }
}
