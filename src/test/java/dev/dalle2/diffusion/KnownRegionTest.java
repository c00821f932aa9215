package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampling with a {@link KnownRegion} (RePaint): exact known pixels, no effect without one, and the right conditional. */
class KnownRegionTest {
    private static final NoiseSchedule COSINE = NoiseSchedule.cosine(1000);
    private static final long[] SHAPE = {2, 3, 4, 4};

    private enum Kind { DDIM, DDPM, DPMPP }

    private static Sampler sampler(Kind kind, int steps) {
        int[] kept = kind == Kind.DPMPP ? NoiseSchedule.spacedTimestepsAboveZero(1000, steps) : NoiseSchedule.spacedTimesteps(1000, steps);
        GaussianDiffusion d = new GaussianDiffusion(COSINE.respace(kept), Prediction.EPSILON);
        return switch (kind) {
            case DDIM -> new DdimSampler(d, X0Processing.NONE, 0);
            case DDPM -> new DdpmSampler(d, X0Processing.NONE);
            case DPMPP -> new DpmSolverSampler(d, X0Processing.NONE);
        };
    }

    /** A denoiser that always predicts x₀ = 0.5 (as ε on the full schedule). */
    private static Denoiser constant() {
        GaussianDiffusion full = new GaussianDiffusion(COSINE, Prediction.EPSILON);
        return (xt, t, cond) -> full.epsFromX0(xt, t, Ops.full(0.5, xt.shape()));
    }

    /** Keep mask [1, 1, 4, 4]: the left half known. */
    private static Tensor leftHalf() {
        float[] m = new float[16];
        for (int r = 0; r < 4; r++) {
            m[r * 4] = 1;
            m[r * 4 + 1] = 1;
        }
        return Ops.tensor(m, 1, 1, 4, 4);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theKnownPixelsComeOutExactlyAndTheOthersFromTheModel(Kind kind) {
        Tensor known = Ops.randn(Ops.generator(3), SHAPE);
        Tensor noise = Ops.randn(Ops.generator(4), SHAPE);
        Tensor out = sampler(kind, 10).sample(constant(), noise, Map.of(), Ops.generator(5), null,
                new KnownRegion(known, leftHalf(), 1));
        float[] k = Ops.toFloats(known);
        float[] o = Ops.toFloats(out);
        for (int i = 0; i < o.length; i++) {
            if (i % 4 < 2) {
                assertEquals(k[i], o[i], 0.0, "known pixel " + i);
            } else {
                assertEquals(0.5, o[i], 1e-4, "sampled pixel " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"DDIM", "DPMPP"})
    void nothingKnownIsPlainSampling(Kind kind) {
        Tensor noise = Ops.randn(Ops.generator(4), SHAPE);
        Denoiser model = (xt, t, cond) -> Ops.mul(xt, 0.3);
        Tensor plain = sampler(kind, 8).sample(model, noise, Map.of(), Ops.generator(5), null);
        Tensor masked = sampler(kind, 8).sample(model, noise, Map.of(), Ops.generator(5), null,
                new KnownRegion(Ops.zeros(SHAPE), Ops.zeros(1, 1, 4, 4), 0));
        assertArrayEquals(Ops.toFloats(plain), Ops.toFloats(masked));
    }

    @Test
    void aMaskThatDoesNotFitIsRefused() {
        Tensor known = Ops.zeros(SHAPE);
        assertThrows(IllegalArgumentException.class, () -> new KnownRegion(known, Ops.zeros(1, 1, 4, 3), 0));
        assertThrows(IllegalArgumentException.class, () -> new KnownRegion(known, Ops.zeros(1, 3, 4, 4), 0));
        assertThrows(IllegalArgumentException.class, () -> new KnownRegion(known, Ops.zeros(3, 1, 4, 4), 0));
        assertThrows(IllegalArgumentException.class, () -> new KnownRegion(known, Ops.zeros(1, 1, 4, 4), -1));
    }

    /**
     * Two correlated pixels (a, b) ~ N(0, [[1, ρ], [ρ, 1]]), where the exact denoiser is known:
     * E[x₀ | x_t] = √ᾱ Σ (ᾱ Σ + (1 − ᾱ) I)⁻¹ x_t. With a = 1.5 known, b must come from its conditional
     * N(ρa, 1 − ρ²) = N(1.35, 0.436²). Plain replacement misses it (means 0.92, 0.69 and 0.71 for DDPM,
     * DDIM and DPM-Solver++: the known pixel's noise does not tell the model enough); RePaint's resampling
     * closes the gap: with 9 resamplings every sampler's mean is within 0.1 and its std within 0.06, and
     * each resampling count does better than the one below it.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void resamplingInpaintsAGaussianFromItsConditional(Kind kind) {
        int steps = kind == Kind.DPMPP ? 20 : 50;
        double truthMean = RHO * A;
        double truthStd = Math.sqrt(1 - RHO * RHO);
        double previous = Double.POSITIVE_INFINITY;
        for (int r : new int[] {0, 1, 4, 9}) {
            double[] m = conditional(kind, steps, r);
            double error = Math.abs(m[0] - truthMean);
            assertTrue(error < previous, kind + " with " + r + " resamplings: mean " + m[0] + " no closer to " + truthMean);
            previous = error;
            if (r == 9) {
                assertTrue(error < 0.1, kind + ": mean " + m[0] + " against " + truthMean);
                assertEquals(truthStd, m[1], 0.06, kind + ": std");
            }
        }
    }

    private static final double RHO = 0.9;
    private static final double A = 1.5;

    private static double[] conditional(Kind kind, int steps, int resamplings) {
        int n = 4000;
        double[] abar = COSINE.alphasCumprod();
        GaussianDiffusion full = new GaussianDiffusion(COSINE, Prediction.EPSILON);
        Denoiser exact = (xt, t, cond) -> {
            double a = abar[(int) Ops.toLongs(t)[0]];
            // M = √ᾱ Σ (ᾱ Σ + (1 − ᾱ) I)⁻¹ for Σ = [[1, ρ], [ρ, 1]]
            double p = a + 1 - a;
            double q = a * RHO;
            double det = p * p - q * q;
            double i00 = p / det;
            double i01 = -q / det;
            double m00 = Math.sqrt(a) * (i00 + RHO * i01);
            double m01 = Math.sqrt(a) * (i01 + RHO * i00);
            Tensor x0a = xt.narrow(3, 0, 1);
            Tensor x0b = xt.narrow(3, 1, 1);
            Tensor x0 = Ops.cat(3, Ops.mul(x0a, m00).add(Ops.mul(x0b, m01)), Ops.mul(x0a, m01).add(Ops.mul(x0b, m00)));
            return full.epsFromX0(xt, t, x0);
        };
        Tensor known = Ops.full(A, n, 1, 1, 2);
        Tensor keep = Ops.tensor(new float[] {1, 0}, 1, 1, 1, 2);
        Tensor out = sampler(kind, steps).sample(exact, Ops.randn(Ops.generator(7), n, 1, 1, 2), Map.of(), Ops.generator(8),
                null, new KnownRegion(known, keep, resamplings));
        float[] v = Ops.toFloats(out);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            sum += v[2 * i + 1];
            sq += v[2 * i + 1] * v[2 * i + 1];
        }
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(sq / n - mean * mean)};
    }
}
