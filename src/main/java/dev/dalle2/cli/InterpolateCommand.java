package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

/** {@code dalle2 interpolate A B}: images along the spherical path between two images' CLIP embeddings. */
@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = "Interpolate between two images: slerp their CLIP image embeddings and decode each step from the same noise.")
final class InterpolateCommand extends PipelineCommand {
    @Parameters(index = "0", paramLabel = "IMAGE_A", description = "The first image.")
    Path first;

    @Parameters(index = "1", paramLabel = "IMAGE_B", description = "The second image.")
    Path second;

    @Option(names = "--frames", defaultValue = "8",
            description = "Images along the path, both ends included, 2 to " + MAX_FRAMES + " (default: ${DEFAULT-VALUE}).")
    int frames;

    @Override
    void validate(CommandLine cli) throws IOException {
        requireFrames(cli, frames);
        requireImage(first);
        requireImage(second);
    }

    @Override
    int count() {
        return frames;
    }

    @Override
    Tensor batch(Pipeline pipeline, int from, int n) throws IOException {
        return pipeline.interpolate(readImage(first, pipeline), readImage(second, pipeline), frames, options.seed,
                options.settings());
    }

    @Override
    String stem() {
        return stem(first) + "-to-" + stem(second) + "-s" + options.seed;
    }

    @Override
    int sheetColumns(long count) {
        return (int) count;
    }
}
