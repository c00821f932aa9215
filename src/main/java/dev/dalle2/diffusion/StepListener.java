package dev.dalle2.diffusion;

/** Progress of a sampler, e.g. for a progress bar. */
@FunctionalInterface
public interface StepListener {
    /** Called after each step; {@code step} counts completed steps from 0 to {@code total} − 1. */
    void onStep(int step, int total);
}
