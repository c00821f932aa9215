package dev.dalle2.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ScopesTest {
    @Test
    void freesTemporariesAndHandsTheResultToTheCallersScope() {
        Tensor[] temporary = new Tensor[1];
        Tensor result;
        try (PointerScope outer = new PointerScope()) {
            Tensor x = Ops.tensor(new float[] {1, 2, 3}, 3);
            result = Scopes.keepResult(() -> {
                temporary[0] = Ops.mul(x, 2);
                return Ops.add(temporary[0], 1);
            });
            assertTrue(temporary[0].isNull(), "the temporary is freed when the body ends");
            assertArrayEquals(new float[] {3, 5, 7}, Ops.toFloats(result));
            assertFalse(x.isNull(), "inputs stay alive");
        }
        assertTrue(result.isNull(), "the result belongs to the caller's scope");
    }

    @Test
    void resultMayBeAnInput() {
        try (PointerScope outer = new PointerScope()) {
            Tensor x = Ops.tensor(new float[] {4}, 1);
            Tensor same = Scopes.keepResult(() -> x);
            assertArrayEquals(new float[] {4}, Ops.toFloats(same));
            assertArrayEquals(new float[] {4}, Ops.toFloats(x));
        }
    }
}
