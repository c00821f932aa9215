package dev.dalle2.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared checks for layer and network tests. */
public final class NnTesting {
    private NnTesting() {}

    /**
     * Moves every parameter off its initial value (zero-initialised output layers would otherwise
     * block gradients), runs {@code loss}, back-propagates and asserts that every parameter got a
     * non-zero gradient.
     */
    public static void assertGradientsReachEveryParameter(Module module, Supplier<Tensor> loss) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : module.parameters()) {
                p.add_(Ops.mul(Ops.randn(null, p.shape()), 0.1));
            }
        }
        loss.get().backward();
        for (Map.Entry<String, Tensor> e : module.namedParameters().entrySet()) {
            Tensor grad = e.getValue().grad();
            assertTrue(grad.defined(), "no gradient reached " + e.getKey());
            assertTrue(Ops.item(grad.abs().sum()) > 0, "zero gradient at " + e.getKey());
        }
    }

    static void assertShape(Tensor t, long... expected) {
        assertArrayEquals(expected, t.shape(), "shape");
    }

    static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }

    /** Sum of squares, a loss that depends on every output element. */
    static Tensor squares(Tensor t) {
        return t.to(org.bytedeco.pytorch.global.torch.ScalarType.Float).square().sum();
    }
}
