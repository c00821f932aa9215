package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static dev.dalle2.nn.NnTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NormTest {
    @Test
    void layerNormOfKnownVector() {
        LayerNorm ln = new LayerNorm(3);
        float[] y = Ops.toFloats(ln.forward(Ops.tensor(new float[] {1, 2, 3}, 1, 3)));
        double s = Math.sqrt(2.0 / 3 + 1e-5);
        assertClose(new float[] {(float) (-1 / s), 0, (float) (1 / s)}, y, 1e-5);
    }

    @Test
    void groupNormNormalisesEachGroup() {
        GroupNorm gn = new GroupNorm(2, 4);
        Tensor x = Ops.add(Ops.mul(Ops.randn(null, 3, 4, 5, 5), 3), 7);
        Tensor y = gn.forward(x).reshape(3, 2, -1);
        float[] mean = Ops.toFloats(y.mean(2));
        float[] std = Ops.toFloats(y.std(new long[] {2}, false));
        for (int i = 0; i < mean.length; i++) {
            assertEquals(0, mean[i], 1e-5);
            assertEquals(1, std[i], 1e-3);
        }
    }

    @Test
    void normsStayFloat32InsideAutocast() {
        GroupNorm gn = new GroupNorm(2, 4);
        LayerNorm ln = new LayerNorm(4);
        try (Autocast a = Autocast.bf16(true)) {
            Tensor bf = Ops.randn(null, 2, 4, 3, 3).to(torch.ScalarType.BFloat16);
            assertEquals(torch.ScalarType.Float, gn.forward(bf).scalar_type().intern());
            assertEquals(torch.ScalarType.Float, ln.forward(bf.reshape(2, 9, 4)).scalar_type().intern());
        }
    }

    @Test
    void groupsForPrefers32() {
        assertEquals(32, GroupNorm.groupsFor(64));
        assertEquals(24, GroupNorm.groupsFor(24));
        assertEquals(24, GroupNorm.groupsFor(48));
        assertEquals(20, GroupNorm.groupsFor(40));
    }

    @Test
    void gradientsReachNormParameters() {
        GroupNorm gn = new GroupNorm(2, 4);
        Tensor w = Ops.randn(null, 2, 4, 3, 3);
        assertGradientsReachEveryParameter(gn, () -> gn.forward(Ops.randn(null, 2, 4, 3, 3)).mul(w).sum());
        LayerNorm ln = new LayerNorm(4);
        Tensor v = Ops.randn(null, 5, 4);
        assertGradientsReachEveryParameter(ln, () -> ln.forward(Ops.randn(null, 5, 4)).mul(v).sum());
    }
}
