package dev.dalle2.cli;

import dev.dalle2.data.Masks;
import dev.dalle2.data.SquareImages;
import dev.dalle2.io.Images;
import dev.dalle2.nn.Ops;
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

/** {@code dalle2 inpaint IMAGE --mask MASK "PROMPT"}: repaint part of an image from a prompt. */
@Command(name = "inpaint", mixinStandardHelpOptions = true,
        description = "Inpaint an image: repaint the part a mask marks (white = repaint) or a --box, from a prompt; "
                + "the rest stays exactly as it is. By RePaint (training-free, any decoder) or the model's inpainting "
                + "decoder when it has one (--method).")
final class InpaintCommand extends BatchedPipelineCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image to inpaint (PNG, JPEG, BMP or GIF), "
            + "centre-cropped to a square and scaled to the model's size.")
    Path image;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "What to draw in the masked part.")
    String prompt;

    @Option(names = "--mask", paramLabel = "MASK", description = "A picture of the image's size: white (light) pixels "
            + "are repainted, black (dark or transparent) ones kept.")
    Path mask;

    @Option(names = "--box", paramLabel = "X,Y,W,H", description = "Repaint this rectangle instead (pixels of the image, "
            + "top-left corner X,Y).")
    String box;

    @CommandLine.Mixin
    InpaintOptions inpaintOptions;

    private BufferedImage input;
    private boolean[] repaint;

    @Override
    void validate(CommandLine cli) throws IOException {
        super.validate(cli);
        if ((mask == null) == (box == null)) {
            throw new CommandLine.ParameterException(cli, "give either --mask or --box");
        }
        inpaintOptions.validate(cli);
        int[] rect = box == null ? null : parseBox(cli, box);
        input = decodeImage(image);
        int w = input.getWidth();
        int h = input.getHeight();
        if (rect != null) {
            try {
                repaint = Masks.box(w, h, rect[0], rect[1], rect[2], rect[3]);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cli, "--box: " + e.getMessage());
            }
        } else {
            BufferedImage picture = decodeImage(mask);
            if (picture.getWidth() != w || picture.getHeight() != h) {
                throw new IOException(mask + ": the mask is " + picture.getWidth() + "x" + picture.getHeight()
                        + " pixels but the image " + image + " is " + w + "x" + h);
            }
            repaint = Masks.fromImage(picture);
            if (Masks.count(repaint) == 0) {
                throw new IOException(mask + ": the mask has no white pixel: nothing to repaint (white = repaint)");
            }
        }
        if (Masks.count(repaint) == repaint.length) {
            cli.getErr().println("note: the mask covers the whole image, so nothing is kept: this is generation from the prompt");
        }
    }

    /** X,Y,W,H as four integers; a parameter error otherwise. */
    static int[] parseBox(CommandLine cli, String text) {
        String[] parts = text.split(",", -1);
        if (parts.length == 4) {
            try {
                int[] v = new int[4];
                for (int i = 0; i < 4; i++) {
                    v[i] = Integer.parseInt(parts[i].trim());
                }
                return v;
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new CommandLine.ParameterException(cli, "--box must be X,Y,W,H (four integers), got '" + text + "'");
    }

    @Override
    Tensor draw(Pipeline pipeline, int n, long seed) {
        int s = pipeline.imageSize();
        return pipeline.inpaint(Images.toTensor(SquareImages.square(input, s)), maskTensor(s), prompt, n, seed,
                options.settings(), inpaintOptions.inpainting());
    }

    private Tensor maskTensor(int s) {
        return Ops.tensor(Masks.square(repaint, input.getWidth(), input.getHeight(), s), 1, s, s);
    }

    /** The sheet starts with the input and the input with the repainted part grey: a strip input, mask, results. */
    @Override
    List<BufferedImage> sheetLead(Pipeline pipeline) {
        int s = pipeline.imageSize();
        Tensor image = Images.toTensor(SquareImages.square(input, s));
        Tensor masked = image.mul(Ops.oneMinus(maskTensor(s)));
        return List.of(Images.toImage(image), Images.toImage(masked));
    }

    @Override
    int sheetColumns(long count) {
        return 2 + Math.min(count(), 4);
    }

    @Override
    String stem() {
        return stem(image) + "-inpaint-" + slug(prompt) + "-s" + options.seed;
    }
}
