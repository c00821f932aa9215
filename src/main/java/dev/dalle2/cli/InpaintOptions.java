package dev.dalle2.cli;

import dev.dalle2.pipeline.Inpainting;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of {@code inpaint}, {@code outpaint} and {@code eval inpaint}: how the masked part is painted. */
final class InpaintOptions {
    /** Resamplings per step at most. */
    static final int MAX_RESAMPLE = 10;

    @Option(names = "--method", paramLabel = "M", description = "repaint (training-free, any decoder) or decoder (the "
            + "model folder's inpainting decoder, decoder-inpaint/) (default: decoder when the model has one, else repaint).")
    String method;

    @Option(names = "--resample", defaultValue = "0", paramLabel = "R", description = "Redo every sampling step R times "
            + "from its result noised back (RePaint's resampling, 0 to " + MAX_RESAMPLE + "): blends the new part in "
            + "better, costs R + 1 times the time (default: ${DEFAULT-VALUE}).")
    int resample;

    /** A parameter error (exit code 2) naming the option whose value is out of range. */
    void validate(CommandLine cli) {
        if (method != null && !Inpainting.METHODS.contains(method)) {
            throw new CommandLine.ParameterException(cli, "--method must be repaint or decoder, got '" + method + "'");
        }
        if (resample < 0 || resample > MAX_RESAMPLE) {
            throw new CommandLine.ParameterException(cli, "--resample must be between 0 and " + MAX_RESAMPLE + ", got " + resample);
        }
    }

    Inpainting inpainting() {
        return new Inpainting(method, resample);
    }
}
