package dev.dalle2.train;

/**
 * Learning rate with a linear warm-up and a cosine decay: from 0 to {@code peak} over
 * {@code warmupSteps}, then down to {@code peak · minRatio} at {@code totalSteps} along half a cosine.
 */
public record LrSchedule(double peak, long warmupSteps, long totalSteps, double minRatio) {
    public LrSchedule {
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("need 0 <= warmup (" + warmupSteps + ") < total steps (" + totalSteps + ")");
        }
    }

    /** The learning rate for the step about to be taken (step 0 is the first). */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        double floor = peak * minRatio;
        return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
    }
}
