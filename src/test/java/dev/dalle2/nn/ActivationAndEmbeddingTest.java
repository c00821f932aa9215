package dev.dalle2.nn;

import org.junit.jupiter.api.Test;

import static dev.dalle2.nn.NnTesting.*;

class ActivationAndEmbeddingTest {
    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void activationsMatchTheirFormulas() {
        var x = Ops.tensor(new float[] {-1, 0, 1, 2}, 4);
        float[] silu = Ops.toFloats(Activation.SILU.apply(x));
        float[] quick = Ops.toFloats(Activation.QUICK_GELU.apply(x));
        float[] gelu = Ops.toFloats(Activation.GELU.apply(x));
        double[] xs = {-1, 0, 1, 2};
        double[] erfHalf = {-0.6826894921, 0, 0.6826894921, 0.9544997361}; // erf(x/√2)
        for (int i = 0; i < 4; i++) {
            assertClose(new float[] {(float) (xs[i] * sigmoid(xs[i]))}, new float[] {silu[i]}, 1e-6);
            assertClose(new float[] {(float) (xs[i] * sigmoid(1.702 * xs[i]))}, new float[] {quick[i]}, 1e-6);
            assertClose(new float[] {(float) (0.5 * xs[i] * (1 + erfHalf[i]))}, new float[] {gelu[i]}, 1e-6);
        }
    }

    @Test
    void sinusoidalFeaturesMatchTheFormula() {
        var t = Ops.tensor(new float[] {0, 1, 500}, 3);
        float[] e = Ops.toFloats(TimestepEmbedding.sinusoidal(t, 4, 10000));
        double[] freqs = {1, Math.pow(10000, -0.5)};
        double[] ts = {0, 1, 500};
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 2; i++) {
                assertClose(new float[] {(float) Math.cos(ts[b] * freqs[i]), (float) Math.sin(ts[b] * freqs[i])},
                        new float[] {e[b * 4 + i], e[b * 4 + 2 + i]}, 1e-4);
            }
        }
        assertShape(TimestepEmbedding.sinusoidal(t, 5, 10000), 3, 5);
    }

    @Test
    void timestepEmbeddingShapesAndGradients() {
        TimestepEmbedding te = new TimestepEmbedding(32, 64);
        var t = Ops.longTensor(new long[] {0, 10, 999}, 3);
        assertShape(te.forward(t), 3, 64);
        assertGradientsReachEveryParameter(te, () -> squares(te.forward(t)));
    }

    @Test
    void embeddingLooksUpRowsAndTrainsThem() {
        Embedding table = new Embedding(5, 3, 0.02);
        table.load(java.util.Map.of("weight", Ops.arange(15).reshape(5, 3)), true);
        var ids = Ops.longTensor(new long[] {4, 0, 4, 2}, 2, 2);
        assertShape(table.forward(ids), 2, 2, 3);
        assertClose(new float[] {12, 13, 14, 0, 1, 2, 12, 13, 14, 6, 7, 8}, Ops.toFloats(table.forward(ids)), 0);
        assertGradientsReachEveryParameter(table, () -> squares(table.forward(Ops.longTensor(new long[] {0, 1, 2, 3, 4}, 5))));
    }
}
