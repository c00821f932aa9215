package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.Map;

import static dev.dalle2.diffusion.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaussianDiffusionTest {
    private static final NoiseSchedule LINEAR = NoiseSchedule.linear(1000);
    private static final long[] T = {0, 1, 500, 999};

    private static GaussianDiffusion diffusion(Prediction p) {
        return new GaussianDiffusion(LINEAR, p);
    }

    /** ᾱ by the product of (1 − β), in Java doubles. */
    private static double alphaBar(int t) {
        double product = 1;
        for (int j = 0; j <= t; j++) {
            product *= 1 - (1e-4 + (0.02 - 1e-4) * j / 999);
        }
        return product;
    }

    @Test
    void qSampleHasTheForwardMeanAndVariance() {
        GaussianDiffusion d = diffusion(Prediction.EPSILON);
        long[] t = {0, 100, 500, 900};
        int n = 20000;
        double[] x0Values = {0.8, -0.5, 1.0, 0.3};
        double[] x0 = new double[t.length * n];
        for (int row = 0; row < t.length; row++) {
            java.util.Arrays.fill(x0, row * n, (row + 1) * n, x0Values[row]);
        }
        Generator g = Ops.generator(1);
        Tensor x0t = Ops.tensor(x0, t.length, n);
        float[] xt = Ops.toFloats(d.qSample(x0t, Ops.longTensor(t, t.length), Ops.randn(g, t.length, n)));
        for (int row = 0; row < t.length; row++) {
            double mean = 0;
            double square = 0;
            for (int i = row * n; i < (row + 1) * n; i++) {
                mean += xt[i];
                square += (double) xt[i] * xt[i];
            }
            mean /= n;
            double variance = square / n - mean * mean;
            double abar = alphaBar((int) t[row]);
            assertEquals(Math.sqrt(abar) * x0Values[row], mean, 4 * Math.sqrt((1 - abar) / n) + 1e-6, "mean at t=" + t[row]);
            assertEquals(1 - abar, variance, 0.05 * (1 - abar), "variance at t=" + t[row]);
        }
    }

    @Test
    void posteriorMeanAndVarianceMatchHandComputedFormulas() {
        GaussianDiffusion d = diffusion(Prediction.EPSILON);
        Generator g = Ops.generator(2);
        Tensor x0 = Ops.randn(g, 4, 3);
        Tensor xt = Ops.randn(g, 4, 3);
        Tensor t = Ops.longTensor(T, 4);
        float[] a = Ops.toFloats(x0);
        float[] b = Ops.toFloats(xt);
        double[] mean = new double[12];
        double[] variance = new double[4];
        double[] logVariance = new double[4];
        for (int row = 0; row < 4; row++) {
            int step = (int) T[row];
            double abar = alphaBar(step);
            double prev = step == 0 ? 1 : alphaBar(step - 1);
            double beta = 1 - abar / prev;
            double c1 = beta * Math.sqrt(prev) / (1 - abar);
            double c2 = (1 - prev) * Math.sqrt(1 - beta) / (1 - abar);
            for (int col = 0; col < 3; col++) {
                mean[row * 3 + col] = c1 * a[row * 3 + col] + c2 * b[row * 3 + col];
            }
            variance[row] = beta * (1 - prev) / (1 - abar);
        }
        for (int row = 0; row < 4; row++) {
            logVariance[row] = Math.log(T[row] == 0 ? variance[1] : variance[row]);
        }
        assertClose(mean, d.qPosteriorMean(x0, xt, t), 1e-5);
        Tensor v = d.qPosteriorVariance(t, 2);
        assertEquals(2, v.dim());
        assertClose(variance, v, 1e-7);
        assertClose(logVariance, d.qPosteriorLogVariance(t, 2), 1e-4);
    }

    @Test
    void epsX0AndVConversionsRoundTrip() {
        GaussianDiffusion d = diffusion(Prediction.V);
        Generator g = Ops.generator(3);
        Tensor x0 = Ops.clamp(Ops.randn(g, 4, 2, 3, 3), -1, 1);
        Tensor eps = Ops.randn(g, 4, 2, 3, 3);
        Tensor t = Ops.longTensor(T, 4);
        Tensor xt = d.qSample(x0, t, eps);
        assertClose(x0, d.x0FromEps(xt, t, eps), 2e-3);
        assertClose(eps, d.epsFromX0(xt, t, x0), 2e-3);
        Tensor v = d.vFrom(x0, eps, t);
        assertClose(x0, d.x0FromV(xt, t, v), 1e-5);
        assertClose(eps, d.epsFromV(xt, t, v), 1e-5);
        assertClose(x0, d.predictX0(xt, t, v), 1e-5);
        assertClose(v, d.target(x0, eps, t), 0);
        // v by its definition, for one element
        double abar = alphaBar(500);
        double expected = Math.sqrt(abar) * Ops.toFloats(eps)[2 * 18] - Math.sqrt(1 - abar) * Ops.toFloats(x0)[2 * 18];
        assertEquals(expected, Ops.toFloats(v)[2 * 18], 1e-5);
    }

    @Test
    void modelTimestepsGoThroughTheRespacingMap() {
        int[] kept = NoiseSchedule.spacedTimesteps(1000, 20);
        GaussianDiffusion d = new GaussianDiffusion(LINEAR.respace(kept), Prediction.EPSILON);
        long[] original = Ops.toLongs(d.modelTimesteps(Ops.longTensor(new long[] {0, 1, 19}, 3)));
        assertEquals(kept[0], original[0]);
        assertEquals(kept[1], original[1]);
        assertEquals(kept[19], original[2]);
    }

    @ParameterizedTest
    @EnumSource(Prediction.class)
    void trainingLossIsZeroForThePerfectModel(Prediction p) {
        GaussianDiffusion d = diffusion(p);
        Tensor x0 = signs(Ops.generator(4), 16, 64);
        Denoiser perfect = (xt, t, cond) -> d.target(x0, d.epsFromX0(xt, t, x0), t);
        double loss = Ops.item(d.trainingLoss(perfect, x0, Map.of(), Ops.generator(5)));
        assertTrue(loss < 1e-5, "loss " + loss);
    }

    @ParameterizedTest
    @EnumSource(Prediction.class)
    void trainingLossOfTheZeroModelIsTheTargetsMeanSquareAndHasAGradient(Prediction p) {
        GaussianDiffusion d = diffusion(p);
        Tensor x0 = signs(Ops.generator(6), 64, 64);
        Tensor w = Ops.zeros(1).set_requires_grad(true);
        Denoiser zero = (xt, t, cond) -> xt.mul(w);
        Tensor loss = d.trainingLoss(zero, x0, Map.of(), Ops.generator(7));
        // E[ε²] = 1, x₀² = 1 and E[v²] = ᾱ E[ε²] + (1 − ᾱ) x₀² = 1
        assertEquals(1.0, Ops.item(loss), 0.05, p.name());
        loss.backward();
        assertNotNull(w.grad());
        assertTrue(w.grad().defined());
    }

    @Test
    void minSnrWeightsMatchHandComputedValues() {
        double[] abar = {0.5, 0.9, 0.99}; // SNR 1, 9, 99
        assertArrayEquals(new double[] {1, 5.0 / 9, 5.0 / 99}, GaussianDiffusion.minSnrWeights(abar, Prediction.EPSILON, 5), 1e-9);
        assertArrayEquals(new double[] {1, 5, 5}, GaussianDiffusion.minSnrWeights(abar, Prediction.X0, 5), 1e-9);
        assertArrayEquals(new double[] {0.5, 0.5, 0.05}, GaussianDiffusion.minSnrWeights(abar, Prediction.V, 5), 1e-9);
    }

    @Test
    void minSnrWeightedLossOfTheZeroModelIsTheMeanWeightOfTheDrawnSteps() {
        GaussianDiffusion d = new GaussianDiffusion(LINEAR, Prediction.V, 5.0);
        double[] weights = GaussianDiffusion.minSnrWeights(LINEAR.alphasCumprod(), Prediction.V, 5);
        Tensor x0 = signs(Ops.generator(6), 64, 64);
        Denoiser zero = (xt, t, cond) -> xt.mul(Ops.zeros(1));
        double loss = Ops.item(d.trainingLoss(zero, x0, Map.of(), Ops.generator(7)));
        // the loss draws t first from its generator; E[v²] = 1 at every step, so the loss is the mean weight
        double expected = Arrays.stream(Ops.toLongs(Ops.randint(Ops.generator(7), 1000, 64)))
                .mapToDouble(t -> weights[(int) t]).average().orElseThrow();
        assertTrue(expected < 0.8, "the weights should differ from 1: " + expected);
        assertEquals(expected, loss, 0.05);
    }

    /** ±1 entries, so that x₀² = 1. */
    private static Tensor signs(Generator g, long... shape) {
        return torch.sign(Ops.randn(g, shape));
    }
}
