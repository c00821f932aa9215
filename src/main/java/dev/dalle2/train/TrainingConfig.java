package dev.dalle2.train;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import dev.dalle2.io.Checks;

/**
 * The optimisation recipe shared by every network. It is built by name: from the defaults,
 * {@code TrainingConfig.builder().batchSize(32).learningRate(5e-4).totalSteps(4000).build()}, or from another
 * recipe, {@code config.toBuilder().totalSteps(9000).build()}. A YAML or JSON recipe is read through the same
 * {@link Builder}, so a key it leaves out takes the default named below. {@code batchSize}, {@code learningRate}
 * and {@code totalSteps} have none (they differ from network to network and from run to run): a recipe without
 * them is refused as missing. The defaults are the values most of the emoji recipes ({@code configs/emoji-*.yaml})
 * give.
 *
 * @param batchSize       examples per step; required
 * @param learningRate    peak AdamW learning rate; required
 * @param warmupSteps     linear warm-up length; default 100
 * @param totalSteps      length of the run (the cosine schedule ends here); required
 * @param minLrRatio      final learning rate as a fraction of the peak; default 0.1 (CLIP's and the prior's
 *                        recipes give 0.05)
 * @param weightDecay     AdamW's decoupled weight decay; default 0 (CLIP's recipes give 0.1, the prior's 0.01)
 * @param emaDecay        EMA decay of the inference weights; default 0.999
 * @param gradClip        maximum global gradient norm (0 = no clipping); default 1
 * @param bf16            bf16 autocast for the forward pass (fp32 master weights and gradients); default true (the
 *                        prior's recipes give false)
 * @param condDropProb    probability of replacing a training example's condition by the learned null condition,
 *                        for classifier-free guidance. The prior drops the text (caption embedding and tokens), the
 *                        decoder the CLIP image embedding; the upsampler has no condition and ignores it, and CLIP,
 *                        which has none either, refuses a value other than 0 ({@link ClipRunConfig}). Default 0 (the
 *                        prior's and the decoder's recipes give 0.1)
 * @param checkpointEvery steps between checkpoints; default 500
 * @param sampleEvery     steps between sample grids; default 500
 * @param sampleCount     images in each sample grid; default 8
 * @param maxSkippedSteps consecutive steps with a non-finite loss or gradient norm that are skipped (no
 *                        optimiser or EMA update) before the run stops with an error; default 5
 *                        ({@link #DEFAULT_MAX_SKIPPED_STEPS}), also when given as null
 */
@JsonDeserialize(builder = TrainingConfig.Builder.class)
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

    /** A builder holding the defaults; {@code batchSize}, {@code learningRate} and {@code totalSteps} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this recipe's values, to build a recipe that differs from it in the fields set. */
    public Builder toBuilder() {
        return new Builder().batchSize(batchSize).learningRate(learningRate).warmupSteps(warmupSteps)
                .totalSteps(totalSteps).minLrRatio(minLrRatio).weightDecay(weightDecay).emaDecay(emaDecay)
                .gradClip(gradClip).bf16(bf16).condDropProb(condDropProb).checkpointEvery(checkpointEvery)
                .sampleEvery(sampleEvery).sampleCount(sampleCount).maxSkippedSteps(maxSkippedSteps);
    }

    /** The learning-rate schedule: a linear warm-up (at most {@code totalSteps - 1} steps), then a cosine decay. */
    public LrSchedule schedule() {
        return new LrSchedule(learningRate, Math.min(warmupSteps, totalSteps - 1), totalSteps, minLrRatio);
    }

    /**
     * Named construction of a {@link TrainingConfig}, starting from the defaults documented there; each method sets
     * the field of its name. Jackson reads recipes through it, so the defaults of code and of recipes are one. A
     * required field left unset is 0, which {@link #build()} refuses as out of range (in a recipe: as missing).
     */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private int batchSize;
        private double learningRate;
        private int warmupSteps = 100;
        private int totalSteps;
        private double minLrRatio = 0.1;
        private double weightDecay = 0.0;
        private double emaDecay = 0.999;
        private double gradClip = 1.0;
        private boolean bf16 = true;
        private double condDropProb = 0.0;
        private int checkpointEvery = 500;
        private int sampleEvery = 500;
        private int sampleCount = 8;
        private Integer maxSkippedSteps = DEFAULT_MAX_SKIPPED_STEPS;

        private Builder() {}

        /** Sets {@code batchSize}. */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /** Sets {@code learningRate}. */
        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        /** Sets {@code warmupSteps}. */
        public Builder warmupSteps(int value) {
            warmupSteps = value;
            return this;
        }

        /** Sets {@code totalSteps}. */
        public Builder totalSteps(int value) {
            totalSteps = value;
            return this;
        }

        /** Sets {@code minLrRatio}. */
        public Builder minLrRatio(double value) {
            minLrRatio = value;
            return this;
        }

        /** Sets {@code weightDecay}. */
        public Builder weightDecay(double value) {
            weightDecay = value;
            return this;
        }

        /** Sets {@code emaDecay}. */
        public Builder emaDecay(double value) {
            emaDecay = value;
            return this;
        }

        /** Sets {@code gradClip}. */
        public Builder gradClip(double value) {
            gradClip = value;
            return this;
        }

        /** Sets {@code bf16}. */
        public Builder bf16(boolean value) {
            bf16 = value;
            return this;
        }

        /** Sets {@code condDropProb}. */
        public Builder condDropProb(double value) {
            condDropProb = value;
            return this;
        }

        /** Sets {@code checkpointEvery}. */
        public Builder checkpointEvery(int value) {
            checkpointEvery = value;
            return this;
        }

        /** Sets {@code sampleEvery}. */
        public Builder sampleEvery(int value) {
            sampleEvery = value;
            return this;
        }

        /** Sets {@code sampleCount}. */
        public Builder sampleCount(int value) {
            sampleCount = value;
            return this;
        }

        /** Sets {@code maxSkippedSteps}; null stands for the default. */
        public Builder maxSkippedSteps(Integer value) {
            maxSkippedSteps = value;
            return this;
        }

        /** The recipe, range-checked by the record's constructor. */
        public TrainingConfig build() {
            return new TrainingConfig(batchSize, learningRate, warmupSteps, totalSteps, minLrRatio, weightDecay,
                    emaDecay, gradClip, bf16, condDropProb, checkpointEvery, sampleEvery, sampleCount, maxSkippedSteps);
        }
    }
}
