package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dalle2 generate "PROMPT"}: text → images through prior, decoder and upsampler. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images from a text prompt: CLIP text embedding → prior → decoder → upsampler.")
final class GenerateCommand extends BatchedPipelineCommand {
    @Parameters(index = "0", paramLabel = "PROMPT", description = "What to draw.")
    String prompt;

    @Override
    Tensor draw(Pipeline pipeline, int n, long seed) {
        return pipeline.generate(prompt, n, seed, options.settings());
    }

    @Override
    String stem() {
        return slug(prompt) + "-s" + options.seed;
    }
}
