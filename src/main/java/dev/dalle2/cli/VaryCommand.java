package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

/** {@code dalle2 vary IMAGE}: new images decoded from an image's CLIP embedding. */
@Command(name = "vary", mixinStandardHelpOptions = true,
        description = "Make variations of an image: encode it with CLIP and decode new images from its embedding.")
final class VaryCommand extends BatchedPipelineCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "A PNG, JPEG, BMP or GIF image.")
    Path image;

    @Override
    void validate(CommandLine cli) throws IOException {
        super.validate(cli);
        requireImage(image);
    }

    @Override
    Tensor draw(Pipeline pipeline, int n, long seed) throws IOException {
        return pipeline.vary(readImage(image, pipeline), n, seed, options.settings());
    }

    @Override
    String stem() {
        return stem(image) + "-variation-s" + options.seed;
    }
}
