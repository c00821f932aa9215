package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Element-wise comparisons of tensors for the tests of this package. */
final class TensorAssert {
    private TensorAssert() {}

    static void assertClose(double[] expected, Tensor actual, double tolerance) {
        float[] got = Ops.toFloats(actual);
        assertEquals(expected.length, got.length, "element count");
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - got[i]));
        }
        assertTrue(worst <= tolerance, "max abs error " + worst + " > " + tolerance);
    }

    static void assertClose(Tensor expected, Tensor actual, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        float[] e = Ops.toFloats(expected);
        double[] d = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            d[i] = e[i];
        }
        assertClose(d, actual, tolerance);
    }
}
