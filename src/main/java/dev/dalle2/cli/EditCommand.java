package dev.dalle2.cli;

import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;

/** {@code dalle2 edit IMAGE --from TEXT --to TEXT}: the paper's text diff. */
@Command(name = "edit", mixinStandardHelpOptions = true,
        description = "Edit an image with a text diff: move its CLIP embedding towards (to − from) and decode, "
                + "as a strip from the unedited image (amount 0) to the full amount.")
final class EditCommand extends PipelineCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to edit.")
    Path image;

    @Option(names = "--from", required = true, paramLabel = "TEXT", description = "A description of the image as it is.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TEXT", description = "A description of the image as wanted.")
    String to;

    @Option(names = "--amount", defaultValue = "0.3", description = "How far to move, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double amount;

    @Option(names = "--frames", defaultValue = "4",
            description = "Images in the strip, 0 to the amount, 2 to " + MAX_FRAMES + " (default: ${DEFAULT-VALUE}).")
    int frames;

    @Override
    void validate(CommandLine cli) throws IOException {
        if (!(amount >= 0 && amount <= 1)) {
            throw new CommandLine.ParameterException(cli, "--amount must be in [0, 1], got " + amount);
        }
        requireFrames(cli, frames);
        requireImage(image);
    }

    @Override
    int count() {
        return frames;
    }

    @Override
    Tensor batch(Pipeline pipeline, int offset, int n) throws IOException {
        double[] amounts = new double[frames];
        for (int i = 0; i < frames; i++) {
            amounts[i] = amount * i / (frames - 1);
        }
        return pipeline.edit(readImage(image, pipeline), from, to, amounts, options.seed, options.settings());
    }

    @Override
    String stem() {
        return stem(image) + "-" + slug(to) + "-s" + options.seed;
    }

    @Override
    int sheetColumns(long count) {
        return (int) count;
    }
}
