package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.dalle2.nn.NnTesting.*;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionTest {
    /** Identity projections: the layer then computes softmax(x xᵀ/√d) x. */
    private static void makeIdentity(MultiHeadAttention a, long dim) {
        Map<String, Tensor> state = new HashMap<>();
        for (String p : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            state.put(p + ".weight", org.bytedeco.pytorch.global.torch.eye(dim));
            state.put(p + ".bias", Ops.zeros(dim));
        }
        a.load(state, true);
    }

    @Test
    void selfAttentionOfTwoOrthogonalTokens() {
        MultiHeadAttention a = new MultiHeadAttention(2, 1, false);
        makeIdentity(a, 2);
        float[] y = Ops.toFloats(a.forward(Ops.tensor(new float[] {1, 0, 0, 1}, 1, 2, 2)));
        float p = (float) (1 / (1 + Math.exp(-1 / Math.sqrt(2))));
        assertClose(new float[] {p, 1 - p, 1 - p, p}, y, 1e-5);
    }

    @Test
    void causalMaskHidesLaterTokens() {
        MultiHeadAttention a = new MultiHeadAttention(2, 1, true);
        makeIdentity(a, 2);
        float[] y = Ops.toFloats(a.forward(Ops.tensor(new float[] {1, 0, 0, 1}, 1, 2, 2)));
        float p = (float) (1 / (1 + Math.exp(-1 / Math.sqrt(2))));
        assertClose(new float[] {1, 0, 1 - p, p}, y, 1e-5);

        MultiHeadAttention b = new MultiHeadAttention(8, 2, true);
        Tensor x = Ops.randn(null, 1, 5, 8);
        Tensor changed = x.clone();
        changed.narrow(1, 3, 2).fill_(Ops.scalar(4));
        float[] before = Ops.toFloats(b.forward(x).narrow(1, 0, 3));
        float[] after = Ops.toFloats(b.forward(changed).narrow(1, 0, 3));
        assertClose(before, after, 1e-6);
    }

    @Test
    void crossAndExtraTokenShapesAndGradients() {
        MultiHeadAttention cross = new MultiHeadAttention(16, 4, 12, 0, false);
        Tensor ctx = Ops.randn(null, 2, 7, 12);
        assertShape(cross.forward(Ops.randn(null, 2, 5, 16), ctx, null), 2, 5, 16);
        assertGradientsReachEveryParameter(cross, () -> squares(cross.forward(Ops.randn(null, 2, 5, 16), ctx, null)));

        MultiHeadAttention extra = new MultiHeadAttention(16, 4, 0, 10, false);
        Tensor tokens = Ops.randn(null, 2, 4, 10);
        assertShape(extra.forward(Ops.randn(null, 2, 6, 16), null, tokens), 2, 6, 16);
        assertGradientsReachEveryParameter(extra, () -> squares(extra.forward(Ops.randn(null, 2, 6, 16), null, tokens)));
    }

    @Test
    void extraTokensNeedAConfiguredLayer() {
        MultiHeadAttention plain = new MultiHeadAttention(8, 2, false);
        assertThrows(IllegalArgumentException.class,
                () -> plain.forward(Ops.randn(null, 1, 3, 8), null, Ops.randn(null, 1, 2, 8)));
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 3, false));
    }

    @Test
    void bf16AutocastAttentionMatchesFp32WithinBf16Precision() {
        MultiHeadAttention a = new MultiHeadAttention(64, 2, 0, 16, false);
        Tensor x = Ops.randn(Ops.generator(1), 2, 40, 64);
        Tensor extra = Ops.randn(Ops.generator(2), 2, 4, 16);
        float[] fp32 = Ops.toFloats(a.forward(x, null, extra));
        float[] bf16;
        try (Autocast on = Autocast.bf16(true)) {
            Tensor y = a.forward(x, null, extra);
            assertShape(y, 2, 40, 64);
            bf16 = Ops.toFloats(y.to(org.bytedeco.pytorch.global.torch.ScalarType.Float));
        }
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < fp32.length; i++) {
            worst = Math.max(worst, Math.abs(fp32[i] - bf16[i]));
            scale = Math.max(scale, Math.abs(fp32[i]));
        }
        assertTrue(worst < 0.03 * scale, "largest difference " + worst + " of outputs up to " + scale);
        assertGradientsReachEveryParameter(a, () -> {
            try (Autocast on = Autocast.bf16(true)) {
                return squares(a.forward(x, null, extra).to(org.bytedeco.pytorch.global.torch.ScalarType.Float));
            }
        });
    }
}
