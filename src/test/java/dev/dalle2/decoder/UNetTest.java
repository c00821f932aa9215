package dev.dalle2.decoder;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class UNetTest {
    static UNetConfig tiny(int inChannels, int condDim) {
        return UNetConfig.builder().imageSize(16).inChannels(inChannels).outChannels(3).modelChannels(16)
                .channelMult(List.of(1, 2)).numResBlocks(1).attentionResolutions(condDim > 0 ? List.of(8) : List.of())
                .headWidth(8).dropout(0.0).condDim(condDim).condTokens(condDim > 0 ? 4 : 0).build();
    }

    private static void assertShapePreserved(UNetConfig c) {
        UNet net = new UNet(c);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x = Ops.randn(null, 2, c.inChannels(), c.imageSize(), c.imageSize());
            Tensor t = Ops.longTensor(new long[] {0, 999}, 2);
            Tensor cond = c.condDim() > 0 ? Ops.randn(null, 2, c.condDim()) : null;
            assertArrayEquals(new long[] {2, c.outChannels(), c.imageSize(), c.imageSize()}, net.forward(x, t, cond).shape());
        }
    }

    @Test
    void outputShapeEqualsInputShapeForEveryConfigKind() {
        assertShapePreserved(tiny(3, 12));
        assertShapePreserved(tiny(6, 0));
        assertShapePreserved(UNetConfig.builder().imageSize(32).inChannels(3).outChannels(3).modelChannels(32)
                .channelMult(List.of(1, 2, 2)).numResBlocks(2).attentionResolutions(List.of(16, 8)).headWidth(32)
                .dropout(0.1).condDim(16).condTokens(4).build());
        assertShapePreserved(UNetConfig.builder().imageSize(64).inChannels(6).outChannels(3).modelChannels(16)
                .channelMult(List.of(1, 2, 3, 4)).numResBlocks(1).attentionResolutions(List.of()).headWidth(64)
                .dropout(0.0).condDim(0).condTokens(0).build());
    }

    @Test
    void cpuDecoderConfigHasTheDesignedSize() {
        UNet net = new UNet(UNetConfig.builder().imageSize(32).inChannels(3).outChannels(3).modelChannels(64)
                .channelMult(List.of(1, 2, 2)).numResBlocks(2).attentionResolutions(List.of(16, 8)).headWidth(64)
                .dropout(0.1).condDim(64).condTokens(4).build());
        long n = net.parameterCount();
        assertTrue(n > 6_000_000 && n < 9_000_000, "parameters: " + n);
    }

    @Test
    void gradientsReachEveryParameter() {
        UNet net = new UNet(tiny(3, 12));
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : net.parameters()) {
                p.add_(Ops.mul(Ops.randn(null, p.shape()), 0.05));
            }
        }
        Tensor cond = Ops.randn(null, 2, 12);
        Tensor withNull = dev.dalle2.nn.Ops.cat(0, cond, net.nullCondition(1));
        Tensor out = net.forward(Ops.randn(null, 3, 3, 16, 16), Ops.longTensor(new long[] {1, 500, 900}, 3), withNull);
        out.square().sum().backward();
        for (Map.Entry<String, Tensor> e : net.namedParameters().entrySet()) {
            assertTrue(e.getValue().grad().defined() && Ops.item(e.getValue().grad().abs().sum()) > 0,
                    "no gradient at " + e.getKey());
        }
    }

    @Test
    void nullEmbeddingReplacesExactlyTheDroppedRows() {
        UNet net = new UNet(tiny(3, 12));
        Tensor cond = Ops.randn(null, 400, 12);
        Tensor dropped = net.dropCondition(cond, 0.25, Ops.generator(1));
        float[] a = Ops.toFloats(cond);
        float[] b = Ops.toFloats(dropped);
        float[] nul = Ops.toFloats(net.nullCondition(1));
        int replaced = 0;
        for (int i = 0; i < 400; i++) {
            boolean same = true;
            boolean isNull = true;
            for (int j = 0; j < 12; j++) {
                same &= a[i * 12 + j] == b[i * 12 + j];
                isNull &= nul[j] == b[i * 12 + j];
            }
            assertTrue(same ^ isNull, "row " + i + " is either kept or the null embedding");
            replaced += isNull ? 1 : 0;
        }
        assertTrue(replaced > 70 && replaced < 130, "about a quarter dropped: " + replaced);
        assertArrayEquals(a, Ops.toFloats(net.dropCondition(cond, 0.0, Ops.generator(1))));
    }

    @Test
    void conditionalNetworkRejectsAMissingCondition() {
        UNet net = new UNet(tiny(3, 12));
        assertThrows(IllegalArgumentException.class,
                () -> net.forward(Ops.randn(null, 1, 3, 16, 16), Ops.longTensor(new long[] {1}, 1), null));
    }

    @Test
    void condScaleMultipliesTheConditionBeforeItIsProjected() {
        UNetConfig plain = tiny(3, 12);
        UNetConfig scaled = UNetConfig.builder().imageSize(16).inChannels(3).outChannels(3).modelChannels(16)
                .channelMult(List.of(1, 2)).numResBlocks(1).attentionResolutions(List.of(8)).headWidth(8).dropout(0.0)
                .condDim(12).condTokens(4).condScale(8.0).build();
        assertEquals(1.0, plain.condScale());
        UNet a = new UNet(plain);
        UNet b = new UNet(scaled);
        // Random weights everywhere: a fresh U-Net's zero-initialised output layers would hide the condition.
        Map<String, Tensor> weights = new java.util.LinkedHashMap<>();
        a.namedParameters().forEach((name, p) -> weights.put(name, Ops.mul(Ops.randn(Ops.generator(name.hashCode()), p.shape()), 0.2)));
        a.load(weights, true);
        b.load(weights, true);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x = Ops.randn(Ops.generator(3), 2, 3, 16, 16);
            Tensor t = Ops.longTensor(new long[] {5, 700}, 2);
            Tensor cond = Ops.randn(Ops.generator(4), 2, 12);
            float[] expected = Ops.toFloats(a.forward(x, t, Ops.mul(cond, 8)));
            float[] actual = Ops.toFloats(b.forward(x, t, cond));
            assertArrayEquals(expected, actual, 1e-5f);
            assertFalse(java.util.Arrays.equals(expected, Ops.toFloats(a.forward(x, t, cond))), "the scale matters");
        }
    }
}
