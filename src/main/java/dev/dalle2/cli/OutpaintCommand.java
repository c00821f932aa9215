package dev.dalle2.cli;

import dev.dalle2.data.SquareImages;
import dev.dalle2.io.Images;
import dev.dalle2.nn.Ops;
import dev.dalle2.pipeline.Extension;
import dev.dalle2.pipeline.Pipeline;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code dalle2 outpaint IMAGE --extend SIDE --pixels K "PROMPT"}: extend the canvas of an image from a prompt. */
@Command(name = "outpaint", mixinStandardHelpOptions = true,
        description = "Outpaint an image: grow its canvas on one side or all four and paint the new band from a prompt, "
                + "in overlapping windows of the model's size; the original stays exactly as it is.")
final class OutpaintCommand extends BatchedPipelineCommand {
    /** Pixels the canvas may grow by on a side at most. */
    static final int MAX_PIXELS = 128;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to extend (PNG, JPEG, BMP or GIF), "
            + "centre-cropped to a square and scaled to the model's size.")
    Path image;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "What the extended picture shows.")
    String prompt;

    @Option(names = "--extend", required = true, paramLabel = "SIDE", description = "left, right, up, down or all.")
    String side;

    @Option(names = "--pixels", defaultValue = "32", paramLabel = "K",
            description = "Pixels to add on each extended side, 1 to " + MAX_PIXELS + " (default: ${DEFAULT-VALUE}).")
    int pixels;

    @CommandLine.Mixin
    InpaintOptions inpaintOptions;

    private BufferedImage input;
    private Extension extension;

    @Override
    void validate(CommandLine cli) throws IOException {
        super.validate(cli);
        if (!Extension.SIDES.contains(side)) {
            throw new CommandLine.ParameterException(cli, "--extend must be one of " + String.join(", ", Extension.SIDES)
                    + ", got '" + side + "'");
        }
        if (pixels < 1 || pixels > MAX_PIXELS) {
            throw new CommandLine.ParameterException(cli, "--pixels must be between 1 and " + MAX_PIXELS + ", got " + pixels);
        }
        inpaintOptions.validate(cli);
        extension = Extension.of(side, pixels);
        input = decodeImage(image);
    }

    @Override
    Tensor draw(Pipeline pipeline, int n, long seed) {
        return pipeline.outpaint(Images.toTensor(SquareImages.square(input, pipeline.imageSize())), extension, prompt, n,
                seed, options.settings(), inpaintOptions.inpainting());
    }

    /** The sheet starts with the original on the grown canvas, the new band grey. */
    @Override
    List<BufferedImage> sheetLead(Pipeline pipeline) {
        int s = pipeline.imageSize();
        Tensor canvas = Ops.zeros(3, s + extension.up() + extension.down(), s + extension.left() + extension.right());
        canvas.narrow(1, extension.up(), s).narrow(2, extension.left(), s)
                .copy_(Images.toTensor(SquareImages.square(input, s)));
        return List.of(Images.toImage(canvas));
    }

    @Override
    int sheetColumns(long count) {
        return 1 + Math.min(count(), 4);
    }

    @Override
    String stem() {
        return stem(image) + "-outpaint-" + side + "-" + slug(prompt) + "-s" + options.seed;
    }
}
