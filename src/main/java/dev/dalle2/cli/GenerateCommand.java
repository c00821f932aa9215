package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dalle2 generate "PROMPT"}: text → images through prior, decoder and upsampler. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate images from a text prompt: CLIP text embedding → prior → decoder → upsampler.")
final class GenerateCommand extends PipelineCommand {
    @Parameters(index = "0", paramLabel = "PROMPT", description = "What to draw.")
    String prompt;

    @Option(names = {"-n", "--count"}, defaultValue = "4", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count;

    @Override
    Tensor run(Pipeline pipeline) {
        if (count < 1) {
            throw new IllegalArgumentException("-n must be at least 1");
        }
        return pipeline.generate(prompt, count, options.seed, options.settings());
    }

    @Override
    String stem() {
        return slug(prompt) + "-s" + options.seed;
    }
}
