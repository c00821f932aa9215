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

    private enum Kind { DDIM, DDPM }

    private static Sampler sampler(Kind kind, Prediction p, X0Processing processing) {
        GaussianDiffusion d = new GaussianDiffusion(COSINE.respace(KEPT), p);
        return kind == Kind.DDIM ? new DdimSampler(d, processing, 0) : new DdpmSampler(d, processing);
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
