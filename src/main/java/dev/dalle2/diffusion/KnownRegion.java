package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * The known part of the samples, for inpainting without training (RePaint, Lugmayr et al. 2022): after
 * every reverse step a {@link Sampler} replaces the known pixels of x_{t−1} by the known image noised to
 * that step's noise level, so the unknown pixels are sampled in the context of the known ones; the last
 * step (ᾱ = 1) leaves the known pixels exactly as given. RePaint's resampling (its "jumps" of length 1)
 * harmonises the two parts further: after a step, x_{t−1} is noised back to x_t and the step is
 * redone, {@link #resamplings} times, each costing one more model call per step.
 *
 * <p>Shapes: {@code known} [B, C, ...] (x₀ values; only the known pixels are read), {@code keep} [B or 1, 1, ...]
 * with 1 where the pixel is known and 0 where it is to be sampled (above 0.5 counts as known), broadcast over the channels. Both belong
 * to the caller and must outlive the sampling.
 */
public final class KnownRegion {
    private final Tensor known;
    private final Tensor keep;
    private final int resamplings;

    public KnownRegion(Tensor known, Tensor keep, int resamplings) {
        if (resamplings < 0) {
            throw new IllegalArgumentException("resamplings cannot be negative, got " + resamplings);
        }
        long[] k = known.shape();
        long[] m = keep.shape();
        if (m.length != k.length || m[1] != 1 || (m[0] != 1 && m[0] != k[0])
                || !Arrays.equals(Arrays.copyOfRange(m, 2, m.length), Arrays.copyOfRange(k, 2, k.length))) {
            throw new IllegalArgumentException("the mask " + Arrays.toString(m) + " does not fit the known samples "
                    + Arrays.toString(k) + " (expected [B or 1, 1, ...] with their spatial size)");
        }
        this.known = known;
        this.keep = keep.gt(Ops.scalar(0.5));
        this.resamplings = resamplings;
    }

    /** How often each step is redone after noising its result back (RePaint's U − 1; 0 = plain replacement). */
    public int resamplings() {
        return resamplings;
    }

    /**
     * x with its known pixels replaced by the known image at noise level ᾱ, √ᾱ x₀ + √(1 − ᾱ) z with
     * z ~ N(0, I) from {@code g} (none drawn at ᾱ = 1, so the known pixels are then exactly x₀'s).
     *
     * @param x samples [B, C, ...] of the known image's shape
     */
    public Tensor impose(Tensor x, double alphaCumprod, Generator g) {
        if (!Arrays.equals(x.shape(), known.shape())) {
            throw new IllegalArgumentException("samples " + Arrays.toString(x.shape()) + " do not match the known image "
                    + Arrays.toString(known.shape()));
        }
        Tensor noised = Ops.mul(known, Math.sqrt(alphaCumprod));
        if (alphaCumprod < 1) {
            noised = Ops.addScaled(noised, Ops.randn(g, x.shape()), Math.sqrt(1 - alphaCumprod));
        }
        return torch.where(keep, noised, x);
    }

    /**
     * x_{t−1} [B, C, ...] noised forward to x_t, from ᾱ_{t−1} to ᾱ_t (ᾱ_t ≤ ᾱ_{t−1}):
     * √(ᾱ_t/ᾱ_{t−1}) x_{t−1} + √(1 − ᾱ_t/ᾱ_{t−1}) z.
     */
    static Tensor renoise(Tensor x, double fromAlphaCumprod, double toAlphaCumprod, Generator g) {
        double ratio = toAlphaCumprod / fromAlphaCumprod;
        return Ops.addScaled(Ops.mul(x, Math.sqrt(ratio)), Ops.randn(g, x.shape()), Math.sqrt(1 - ratio));
    }
}
