package dev.dalle2.pipeline;

/** Progress of a pipeline call, stage by stage (see {@link Pipeline#onStep}). */
@FunctionalInterface
public interface StageListener {
    /**
     * Called after each sampling step of a stage ({@code prior}, {@code decoder} or {@code upsampler}); {@code done}
     * counts the stage's completed steps, 1 to {@code total}.
     */
    void onStep(String stage, int done, int total);
}
