package dev.dalle2.cli;

import dev.dalle2.pipeline.Settings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every pipeline command shares: the model folder, output folder, seed and sampler settings. */
final class PipelineOptions {
    /** The model {@code dalle2 generate} uses when none is named. */
    static final String DEFAULT_MODEL = "models/emoji";

    @Option(names = "--model", defaultValue = DEFAULT_MODEL, paramLabel = "DIR",
            description = "Model folder with clip/, prior/, decoder/ and upsampler/ (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--out", defaultValue = "out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "0", paramLabel = "K",
            description = "Decoder and upsampler DDIM steps (default: the model's).")
    int steps;

    @Option(names = "--prior-steps", defaultValue = "0", paramLabel = "K", description = "Prior DDIM steps (default: the model's).")
    int priorSteps;

    @Option(names = "--guidance", defaultValue = "NaN", paramLabel = "G",
            description = "Decoder classifier-free guidance scale (default: the model's).")
    double guidance;

    @Option(names = "--prior-guidance", defaultValue = "NaN", paramLabel = "G",
            description = "Prior classifier-free guidance scale (default: the model's).")
    double priorGuidance;

    @Option(names = "--best-of", defaultValue = "0", paramLabel = "N",
            description = "Image embeddings the prior draws per image, keeping the one closest to the prompt (default: the model's).")
    int bestOf;

    Settings settings() {
        return new Settings(priorSteps, steps, steps, priorGuidance, guidance, bestOf);
    }
}
