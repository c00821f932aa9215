package dev.dalle2.cli;

import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.pipeline.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options every pipeline command shares: the model folder, output folder, seed and sampler settings. A sampler
 * option left out keeps the model folder's value; one given is checked by {@link #validate} before any loading.
 */
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

    @Option(names = "--sampler", paramLabel = "NAME",
            description = "Sampler of the prior, decoder and upsampler: ddim, ddpm or dpmpp-2m (DPM-Solver++, as good in fewer steps) (default: the model's).")
    String sampler;

    @Option(names = "--steps", paramLabel = "K", description = "Decoder and upsampler sampling steps, at least 2 (default: the model's).")
    Integer steps;

    @Option(names = "--upsampler-steps", paramLabel = "K",
            description = "Upsampler sampling steps, at least 2, when they differ from --steps (default: --steps, else the model's).")
    Integer upsamplerSteps;

    @Option(names = "--prior-steps", paramLabel = "K", description = "Prior sampling steps, at least 2 (default: the model's).")
    Integer priorSteps;

    @Option(names = "--guidance", paramLabel = "G",
            description = "Decoder classifier-free guidance scale, 0 or more (default: the model's).")
    Double guidance;

    @Option(names = "--prior-guidance", paramLabel = "G",
            description = "Prior classifier-free guidance scale, 0 or more (default: the model's).")
    Double priorGuidance;

    @Option(names = "--best-of", paramLabel = "N",
            description = "Image embeddings the prior draws per image, keeping the one closest to the prompt (default: the model's).")
    Integer bestOf;

    @Option(names = "--precision", paramLabel = "P",
            description = "Arithmetic of the decoder and upsampler: fp32, or bf16 (twice as fast where the CPU has native "
                    + "bf16) (default: bf16 where the CPU has it natively, else fp32).")
    String precision;

    /** Fails with a parameter error (exit code 2) naming the first option whose value is out of range. */
    void validate(CommandLine cli) {
        atLeast(cli, "--steps", steps, 2);
        atLeast(cli, "--prior-steps", priorSteps, 2);
        atLeast(cli, "--upsampler-steps", upsamplerSteps, 2);
        atLeast(cli, "--best-of", bestOf, 1);
        nonNegative(cli, "--guidance", guidance);
        nonNegative(cli, "--prior-guidance", priorGuidance);
        if (precision != null && !Settings.PRECISIONS.contains(precision)) {
            throw new CommandLine.ParameterException(cli, "--precision must be fp32 or bf16, got '" + precision + "'");
        }
        if (sampler != null && !SamplingConfig.SAMPLERS.contains(sampler)) {
            throw new CommandLine.ParameterException(cli, "--sampler must be one of " + String.join(", ", SamplingConfig.SAMPLERS)
                    + ", got '" + sampler + "'");
        }
    }

    /** A parameter error unless {@code value} is absent or at least {@code min}. */
    static void atLeast(CommandLine cli, String option, Integer value, int min) {
        if (value != null && value < min) {
            throw new CommandLine.ParameterException(cli, option + " must be at least " + min + ", got " + value);
        }
    }

    private static void nonNegative(CommandLine cli, String option, Double value) {
        if (value != null && !(value >= 0 && Double.isFinite(value))) {
            throw new CommandLine.ParameterException(cli, option + " must be a finite number of 0 or more, got " + value);
        }
    }

    Settings settings() {
        int s = steps == null ? 0 : steps;
        int up = upsamplerSteps != null ? upsamplerSteps : s;
        return new Settings(priorSteps == null ? 0 : priorSteps, s, up, priorGuidance == null ? Double.NaN : priorGuidance,
                guidance == null ? Double.NaN : guidance, bestOf == null ? 0 : bestOf, sampler, precision);
    }
}
