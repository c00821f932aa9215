package dev.dalle2.pipeline;

import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Engine;

import java.util.List;

/**
 * Sampler settings of one pipeline call; 0 steps, 0 candidates or a NaN guidance keeps the value
 * the model folder's config gives.
 *
 * @param priorSteps      sampling steps of the prior
 * @param decoderSteps    sampling steps of the decoder
 * @param upsamplerSteps  sampling steps of the upsampler
 * @param priorGuidance   classifier-free guidance scale of the prior
 * @param decoderGuidance classifier-free guidance scale of the decoder
 * @param bestOf          image embeddings the prior draws per image, of which the one closest to the text embedding is kept
 * @param sampler         the sampler of all three networks (one of {@code SamplingConfig.SAMPLERS}), or null for each folder's own
 * @param precision       the decoder's and upsampler's arithmetic, one of {@link #PRECISIONS}: {@code fp32},
 *                        {@code bf16} (bfloat16 autocast), or null for bf16 where the CPU computes it natively
 *                        ({@code Engine.nativeBf16}) and fp32 elsewhere
 */
public record Settings(int priorSteps, int decoderSteps, int upsamplerSteps, double priorGuidance, double decoderGuidance,
                       int bestOf, String sampler, String precision) {
    /** Every setting from the model folder. */
    public static final Settings DEFAULTS = new Settings(0, 0, 0, Double.NaN, Double.NaN, 0, null, null);
    /** The precisions by name. */
    public static final List<String> PRECISIONS = List.of("fp32", "bf16");

    public Settings {
        if (priorSteps < 0 || decoderSteps < 0 || upsamplerSteps < 0) {
            throw new IllegalArgumentException("sampling steps cannot be negative");
        }
        if (bestOf < 0) {
            throw new IllegalArgumentException("best-of-N cannot draw a negative number of candidates");
        }
        if (priorGuidance < 0 || decoderGuidance < 0) {
            throw new IllegalArgumentException("guidance scales cannot be negative");
        }
        if (sampler != null && !SamplingConfig.SAMPLERS.contains(sampler)) {
            throw new IllegalArgumentException("unknown sampler '" + sampler + "' (use " + String.join(", ", SamplingConfig.SAMPLERS) + ")");
        }
        if (precision != null && !PRECISIONS.contains(precision)) {
            throw new IllegalArgumentException("unknown precision '" + precision + "' (use fp32 or bf16)");
        }
    }

    /** Whether the U-Nets sample in bf16: as asked, or where the CPU has native bf16 when not asked. */
    public boolean bf16() {
        return precision == null ? Engine.nativeBf16() : precision.equals("bf16");
    }

    public double priorGuidance(double modelDefault) {
        return Double.isNaN(priorGuidance) ? modelDefault : priorGuidance;
    }

    public double decoderGuidance(double modelDefault) {
        return Double.isNaN(decoderGuidance) ? modelDefault : decoderGuidance;
    }

    public int bestOf(int modelDefault) {
        return bestOf == 0 ? modelDefault : bestOf;
    }
}
