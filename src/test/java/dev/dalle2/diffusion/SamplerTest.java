package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.dalle2.diffusion.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final NoiseSchedule COSINE = NoiseSchedule.cosine(1000);
    private static final int[] KEPT = NoiseSchedule.spacedTimesteps(1000, 20);
    private static final long[] SHAPE = {2, 3, 4, 4};

    private enum Kind { DDIM, DDPM, DPMPP }

    private static Sampler sampler(Kind kind, Prediction p, X0Processing processing) {
        return sampler(kind, p, processing, KEPT);
    }

    private static Sampler sampler(Kind kind, Prediction p, X0Processing processing, int[] kept) {
        GaussianDiffusion d = new GaussianDiffusion(COSINE.respace(kept), p);
        return switch (kind) {
            case DDIM -> new DdimSampler(d, processing, 0);
            case DDPM -> new DdpmSampler(d, processing);
            case DPMPP -> new DpmSolverSampler(d, processing);
        };
    }

    /**
     * A model that knows x₀: it returns the exact ε, x₀ or v for the x_t it is given, computed on the
     * FULL schedule from the original timestep, and records the timesteps it saw.
     */
    private static Denoiser oracle(Prediction p, Tensor x0, TreeSet<Long> seen) {
        GaussianDiffusion full = new GaussianDiffusion(COSINE, p);
        return (xt, t, cond) -> {
            for (long step : Ops.toLongs(t)) {
                seen.add(step);
            }
            return full.target(x0, full.epsFromX0(xt, t, x0), t);
        };
    }

    @ParameterizedTest
    @EnumSource(Prediction.class)
    void ddimWithAnOracleRecoversX0OnA20StepRespacing(Prediction p) {
        recoversX0(Kind.DDIM, p);
    }

    @ParameterizedTest
    @EnumSource(Prediction.class)
    void ddpmWithAnOracleRecoversX0OnA20StepRespacing(Prediction p) {
        recoversX0(Kind.DDPM, p);
    }

    @ParameterizedTest
    @EnumSource(Prediction.class)
    void dpmSolverWithAnOracleRecoversX0OnA20StepRespacing(Prediction p) {
        recoversX0(Kind.DPMPP, p);
    }

    /**
     * Data x₀ ~ N(μ, s²) per element, where the exact denoiser is known:
     * E[x₀ | x_t] = μ + √ᾱ s² (x_t − √ᾱ μ) / (ᾱ s² + 1 − ᾱ). Along the probability-flow ODE the
     * standardised value (x_t − √ᾱ μ) / √(ᾱ s² + 1 − ᾱ) stays constant, so the exact sample from
     * x_T is μ + s (x_T − √ᾱ_T μ) / √(ᾱ_T s² + 1 − ᾱ_T). On the same steps, DPM-Solver++(2M) must
     * come within 0.1 in 10 steps and 0.01 in 20, for every parameterisation, and beat DDIM (first
     * order) by 2.5× and 10×.
     */
    @ParameterizedTest
    @EnumSource(Prediction.class)
    void dpmSolverSolvesTheGaussianOde(Prediction p) {
        gaussianOde(p, 10, 0.1, 2.5);
        gaussianOde(p, 20, 0.01, 10);
    }

    private static void gaussianOde(Prediction p, int steps, double tolerance, double factor) {
        double mu = 0.3;
        double s = 0.5;
        double[] abar = COSINE.alphasCumprod();
        GaussianDiffusion full = new GaussianDiffusion(COSINE, p);
        Denoiser exact = (xt, t, cond) -> {
            double a = abar[(int) Ops.toLongs(t)[0]];
            double gain = Math.sqrt(a) * s * s / (a * s * s + 1 - a);
            Tensor x0 = Ops.mul(xt, gain).add(Ops.full(mu - gain * Math.sqrt(a) * mu, xt.shape()));
            return full.target(x0, full.epsFromX0(xt, t, x0), t);
        };
        int[] kept = NoiseSchedule.spacedTimestepsAboveZero(1000, steps);
        Tensor noise = Ops.randn(Ops.generator(21), SHAPE);
        double aT = abar[kept[kept.length - 1]];
        Tensor truth = Ops.mul(noise, s / Math.sqrt(aT * s * s + 1 - aT))
                .add(Ops.full(mu - s * Math.sqrt(aT) * mu / Math.sqrt(aT * s * s + 1 - aT), SHAPE));
        double dpm = maxError(truth, sampler(Kind.DPMPP, p, X0Processing.NONE, kept).sample(exact, noise, Map.of(), null, null));
        double ddim = maxError(truth, sampler(Kind.DDIM, p, X0Processing.NONE, kept).sample(exact, noise, Map.of(), null, null));
        assertTrue(dpm < tolerance, "DPM-Solver++ " + steps + " steps: max error " + dpm);
        assertTrue(dpm * factor < ddim, "DPM-Solver++ " + dpm + " against DDIM " + ddim + " on " + steps + " steps");
    }

    private static double maxError(Tensor expected, Tensor actual) {
        float[] e = Ops.toFloats(expected);
        float[] a = Ops.toFloats(actual);
        double max = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(e[i] - a[i]));
        }
        return max;
    }

    private static void recoversX0(Kind kind, Prediction p) {
        Tensor x0 = Ops.clamp(Ops.randn(Ops.generator(11), SHAPE), -1, 1);
        TreeSet<Long> seen = new TreeSet<>();
        List<String> progress = new ArrayList<>();
        Tensor sample = sampler(kind, p, X0Processing.NONE).sample(oracle(p, x0, seen), SHAPE, Map.of(),
                Ops.generator(12), (step, total) -> progress.add(step + "/" + total));
        assertClose(x0, sample, 1e-3);
        long[] expectedSteps = java.util.Arrays.stream(KEPT).asLongStream().toArray();
        assertArrayEquals(expectedSteps, seen.stream().mapToLong(Long::longValue).toArray(),
                "the model sees the original timesteps");
        assertEquals(20, progress.size());
        assertEquals("0/20", progress.get(0));
        assertEquals("19/20", progress.get(19));
    }

    @Test
    void ddimWithEtaZeroIsDeterministic() {
        Sampler ddim = sampler(Kind.DDIM, Prediction.EPSILON, X0Processing.CLIP);
        Denoiser model = (xt, t, cond) -> Ops.mul(xt, 0.3).add(cond.get("bias"));
        Map<String, Tensor> cond = Map.of("bias", Ops.full(0.1, SHAPE));
        Tensor noise = Ops.randn(Ops.generator(3), SHAPE);
        Tensor first = ddim.sample(model, noise, cond, Ops.generator(4), null);
        Tensor second = ddim.sample(model, noise, cond, Ops.generator(5), null);
        assertClose(first, second, 0);
        assertClose(first, ddim.sample(model, SHAPE, cond, Ops.generator(3), null), 0);
    }

    @Test
    void ancestralSamplingDrawsFromTheGenerator() {
        Sampler ddpm = sampler(Kind.DDPM, Prediction.EPSILON, X0Processing.CLIP);
        Denoiser model = (xt, t, cond) -> Ops.mul(xt, 0.3);
        Tensor noise = Ops.randn(Ops.generator(3), SHAPE);
        Tensor a = ddpm.sample(model, noise, Map.of(), Ops.generator(4), null);
        assertClose(a, ddpm.sample(model, noise, Map.of(), Ops.generator(4), null), 0);
        float[] other = Ops.toFloats(ddpm.sample(model, noise, Map.of(), Ops.generator(5), null));
        assertFalse(java.util.Arrays.equals(Ops.toFloats(a), other), "another seed gives another sample");
    }

    @Test
    void manyStepsDoNotAccumulateNativeMemory() {
        GaussianDiffusion d = new GaussianDiffusion(NoiseSchedule.cosine(200), Prediction.EPSILON);
        Sampler ddim = new DdimSampler(d, X0Processing.dynamic(0.9), 0);
        Denoiser model = (xt, t, cond) -> Ops.mul(xt, 0.1);
        Tensor noise = Ops.randn(Ops.generator(1), 1, 4);
        long before = Pointer.totalBytes();
        Tensor unscoped = Ops.mul(noise, 2);
        assertTrue(Pointer.totalBytes() > before, "the byte count sees a new tensor");
        long[] bytes = new long[2];
        Tensor result;
        try (PointerScope outer = new PointerScope()) {
            result = ddim.sample(model, noise, Map.of(), null, (step, total) -> {
                if (step == 10) {
                    bytes[0] = Pointer.totalBytes();
                } else if (step == total - 1) {
                    bytes[1] = Pointer.totalBytes();
                }
            });
            assertFalse(result.isNull());
        }
        assertTrue(bytes[1] <= bytes[0], "live native bytes grew from " + bytes[0] + " after step 10 to "
                + bytes[1] + " after step 200");
        assertTrue(result.isNull(), "the result belongs to the caller's scope");
        assertFalse(unscoped.isNull());
    }
}
