package dev.dalle2.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall-clock seconds a pipeline spent in each stage (CLIP, prior, decoder, upsampler), summed over its calls: what
 * {@code generate --timings} prints. Not thread-safe, like the pipeline itself.
 */
public final class StageTimes {
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    /** Runs {@code body}, adding its time to {@code stage}. */
    <T> T time(String stage, Supplier<T> body) {
        long start = System.nanoTime();
        try {
            return body.get();
        } finally {
            seconds.merge(stage, (System.nanoTime() - start) / 1e9, Double::sum);
        }
    }

    /** Seconds per stage, in the order the stages first ran. */
    public Map<String, Double> seconds() {
        return new LinkedHashMap<>(seconds);
    }
}
