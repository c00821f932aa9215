package dev.dalle2.pipeline;

import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Spherical interpolation and normalisation against values worked out by hand. */
class EmbeddingsTest {
    @Test
    void slerpFollowsTheGreatCircle() {
        try (PointerScope scope = new PointerScope()) {
            Tensor a = Ops.tensor(new float[] {1, 0, 0}, 1, 3);
            Tensor b = Ops.tensor(new float[] {0, 1, 0}, 1, 3);
            assertArrayEquals(new float[] {1, 0, 0}, Ops.toFloats(Embeddings.slerp(a, b, 0)), 1e-6f);
            assertArrayEquals(new float[] {0, 1, 0}, Ops.toFloats(Embeddings.slerp(a, b, 1)), 1e-6f);
            float h = (float) Math.sqrt(0.5);
            assertArrayEquals(new float[] {h, h, 0}, Ops.toFloats(Embeddings.slerp(a, b, 0.5)), 1e-6f);
            // a third of the way along a right angle: 30 degrees from a
            float[] third = Ops.toFloats(Embeddings.slerp(a, b, 1.0 / 3));
            assertArrayEquals(new float[] {(float) Math.cos(Math.PI / 6), 0.5f, 0}, third, 1e-6f);
            // unnormalised inputs are normalised first; parallel inputs give the common direction
            assertArrayEquals(new float[] {0, 0, 1},
                    Ops.toFloats(Embeddings.slerp(Ops.tensor(new float[] {0, 0, 2}, 1, 3), Ops.tensor(new float[] {0, 0, 5}, 1, 3), 0.3)),
                    1e-6f);
        }
    }

    @Test
    void normalizeGivesUnitRowsAndSlerpTakesSingleRows() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Ops.tensor(new float[] {3, 4, 0, 0, 0, 2}, 2, 3);
            assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0, 0, 1}, Ops.toFloats(Ops.normalize(x)), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> Embeddings.slerp(x, x, 0.5));
            assertEquals(1.0, Ops.item(Ops.normalize(x).get(0).norm()), 1e-6);
        }
    }
}
