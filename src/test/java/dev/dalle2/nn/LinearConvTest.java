package dev.dalle2.nn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.dalle2.nn.NnTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LinearConvTest {
    @Test
    void linearComputesAffineMap() {
        Linear l = new Linear(2, 3);
        l.load(Map.of("weight", Ops.tensor(new float[] {1, 2, 3, 4, 5, 6}, 3, 2),
                "bias", Ops.tensor(new float[] {0.5f, -1, 0}, 3)), true);
        float[] y = Ops.toFloats(l.forward(Ops.tensor(new float[] {1, -1}, 1, 2)));
        assertClose(new float[] {1 - 2 + 0.5f, 3 - 4 - 1, 5 - 6}, y, 1e-6);
    }

    @Test
    void linearShapesAndGradients() {
        Linear l = new Linear(5, 7);
        assertShape(l.forward(Ops.randn(null, 2, 3, 5)), 2, 3, 7);
        assertGradientsReachEveryParameter(l, () -> squares(l.forward(Ops.randn(null, 4, 5))));
    }

    @Test
    void convOfOnesWithOnesKernelCountsNeighbours() {
        Conv2d c = new Conv2d(1, 1, 3);
        c.load(Map.of("weight", Ops.ones(1, 1, 3, 3), "bias", Ops.zeros(1)), true);
        float[] y = Ops.toFloats(c.forward(Ops.ones(1, 1, 4, 4)));
        assertClose(new float[] {4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4}, y, 1e-6);
    }

    @Test
    void convShapesAndGradients() {
        Conv2d same = new Conv2d(3, 8, 3);
        assertShape(same.forward(Ops.randn(null, 2, 3, 16, 16)), 2, 8, 16, 16);
        Conv2d down = new Conv2d(3, 8, 3, 2, 1);
        assertShape(down.forward(Ops.randn(null, 2, 3, 16, 16)), 2, 8, 8, 8);
        assertGradientsReachEveryParameter(same, () -> squares(same.forward(Ops.randn(null, 2, 3, 8, 8))));
    }

    @Test
    void convWithoutBiasHasOnlyAWeight() {
        Conv2d patches = new Conv2d(3, 8, 4, 4, 0, false);
        assertShape(patches.forward(Ops.randn(null, 2, 3, 16, 16)), 2, 8, 4, 4);
        assertEquals(List.of("weight"), List.copyOf(patches.namedParameters().keySet()));
        assertClose(new float[2 * 8], Ops.toFloats(patches.forward(Ops.zeros(2, 3, 4, 4))), 0);
    }
}
