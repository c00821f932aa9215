package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * A pipeline command whose images are independent draws ({@code generate}, {@code vary}): {@code -n} of them, made
 * {@value PipelineCommand#BATCH} at a time, each batch from its own seed ({@link PipelineCommand#batchSeed}).
 */
abstract class BatchedPipelineCommand extends PipelineCommand {
    @Option(names = {"-n", "--count"}, defaultValue = "4",
            description = "Number of images, 1 to " + MAX_COUNT + ", made " + BATCH + " at a time (default: ${DEFAULT-VALUE}).")
    int count;

    /** {@code n} images drawn with {@code seed}, [n, 3, S, S] in [-1, 1]. */
    abstract Tensor draw(Pipeline pipeline, int n, long seed) throws IOException;

    @Override
    void validate(CommandLine cli) throws IOException {
        requireCount(cli, "-n", count);
    }

    @Override
    final int count() {
        return count;
    }

    @Override
    final int batchSize() {
        return BATCH;
    }

    @Override
    final Tensor batch(Pipeline pipeline, int from, int n) throws IOException {
        return draw(pipeline, n, batchSeed(options.seed, from / BATCH));
    }
}
