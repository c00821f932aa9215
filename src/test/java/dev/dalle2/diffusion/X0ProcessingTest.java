package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static dev.dalle2.diffusion.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

class X0ProcessingTest {
    /** Two samples of 2×2: one inside [−1, 1], one reaching out to 4. */
    private final Tensor x0 = Ops.tensor(new double[] {0.5, -0.2, 0.1, 0.3, 2, -4, 1, 0.5}, 2, 2, 2);

    @Test
    void noneAndClip() {
        assertClose(x0, X0Processing.NONE.apply(x0), 0);
        assertClose(new double[] {0.5, -0.2, 0.1, 0.3, 1, -1, 1, 0.5}, X0Processing.CLIP.apply(x0), 1e-7);
    }

    @Test
    void dynamicThresholdingScalesEachSampleByItsPercentile() {
        // sample 2: |x| sorted 0.5, 1, 2, 4; the 0.5 quantile is 1.5 and the 0.995 quantile 2 + 0.985·2
        assertClose(new double[] {0.5, -0.2, 0.1, 0.3, 1, -1, 1 / 1.5, 0.5 / 1.5},
                X0Processing.dynamic(0.5).apply(x0), 1e-6);
        double s = 2 + 0.985 * 2;
        assertClose(new double[] {0.5, -0.2, 0.1, 0.3, 2 / s, -1, 1 / s, 0.5 / s},
                X0Processing.fromName("dynamic").apply(x0), 1e-5);
        assertClose(X0Processing.dynamic(0.5).apply(x0), X0Processing.fromName("dynamic:0.5").apply(x0), 0);
    }

    @Test
    void badNamesAndPercentilesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> X0Processing.fromName("static"));
        assertThrows(IllegalArgumentException.class, () -> X0Processing.dynamic(0));
    }
}
