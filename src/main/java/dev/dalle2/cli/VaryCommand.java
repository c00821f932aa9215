package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

/** {@code dalle2 vary IMAGE}: new images decoded from an image's CLIP embedding. */
@Command(name = "vary", mixinStandardHelpOptions = true,
        description = "Make variations of an image: encode it with CLIP and decode new images from its embedding.")
final class VaryCommand extends PipelineCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "A PNG, JPEG, BMP or GIF image.")
    Path image;

    @Option(names = {"-n", "--count"}, defaultValue = "4", description = "Number of variations (default: ${DEFAULT-VALUE}).")
    int count;

    @Override
    Tensor run(Pipeline pipeline) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("-n must be at least 1");
        }
        return pipeline.vary(readImage(image, pipeline), count, options.seed, options.settings());
    }

    @Override
    String stem() {
        return stem(image) + "-variation-s" + options.seed;
    }
}
