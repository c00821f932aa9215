package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class OpsTest {
    @Test
    void repeatRowsRepeatsEachRowInARow() {
        Scopes.freeing(() -> {
            Tensor x = Ops.tensor(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor r = Ops.repeatRows(x, 3);
            assertArrayEquals(new long[] {6, 3}, r.shape());
            assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 4, 5, 6}, Ops.toFloats(r));
            Tensor bools = Ops.repeatRows(x.gt(Ops.scalar(2)), 2);
            assertArrayEquals(new long[] {4, 3}, bools.shape());
            return null;
        });
    }
}
