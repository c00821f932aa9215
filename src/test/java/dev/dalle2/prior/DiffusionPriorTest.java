package dev.dalle2.prior;

import dev.dalle2.diffusion.GaussianDiffusion;
import dev.dalle2.nn.Autocast;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.NnTesting;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiffusionPriorTest {
    static final int D = 8;
    static final int W = 6;
    static final int T = 5;
    static final PriorConfig WITH_TOKENS = new PriorConfig(D, W, T, 16, 2, 2, 0.0);
    static final PriorConfig NO_TOKENS = new PriorConfig(D, 0, 0, 16, 2, 2, 0.0);

    /** A fixed batch of prior inputs; row 0 has 3 real tokens, row 1 all 5, row 2 one. */
    record Inputs(Tensor x, Tensor t, Tensor text, Tensor tokens, Tensor mask) {
        static Inputs of(PriorConfig c, long seed) {
            var g = Ops.generator(seed);
            Tensor x = Ops.randn(g, 3, D);
            Tensor text = Ops.randn(g, 3, D);
            Tensor tokens = c.textWidth() > 0 ? Ops.randn(g, 3, T, W) : null;
            Tensor mask = c.textWidth() > 0 ? Ops.longTensor(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, 3, T)
                    .to(torch.ScalarType.Bool) : null;
            return new Inputs(x, Ops.longTensor(new long[] {0, 500, 999}, 3), text, tokens, mask);
        }

        Tensor run(DiffusionPrior net, Tensor drop) {
            return net.forward(x, t, text, tokens, mask, drop);
        }
    }

    static Tensor bools(boolean... values) {
        long[] l = new long[values.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = values[i] ? 1 : 0;
        }
        return Ops.longTensor(l, l.length).to(torch.ScalarType.Bool);
    }

    static void assertSame(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        float[] e = Ops.toFloats(expected);
        float[] a = Ops.toFloats(actual);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol, "element " + i);
        }
    }

    static double maxDiff(Tensor a, Tensor b) {
        return Ops.item(a.sub(b).abs().max());
    }

    @Test
    void outputIsOneEmbeddingPerRowAndTheSequenceHasTheDocumentedLength() {
        for (PriorConfig c : new PriorConfig[] {WITH_TOKENS, NO_TOKENS}) {
            DiffusionPrior net = new DiffusionPrior(c);
            Inputs in = Inputs.of(c, 1);
            try (NoGradGuard g = new NoGradGuard()) {
                Tensor out = in.run(net, null);
                assertArrayEquals(new long[] {3, D}, out.shape());
                assertEquals(torch.ScalarType.Float, out.scalar_type().intern());
                assertArrayEquals(new long[] {3, c.sequenceLength(), 16},
                        net.sequence(in.x, in.t, in.text, in.tokens, in.mask, null).shape());
            }
        }
        assertEquals(T + 4, WITH_TOKENS.sequenceLength());
        assertEquals(4, NO_TOKENS.sequenceLength());
    }

    @Test
    void gradientsReachEveryParameterWithTokenEncodings() {
        DiffusionPrior net = new DiffusionPrior(WITH_TOKENS);
        Inputs in = Inputs.of(WITH_TOKENS, 2);
        // Row 1 dropped (null embedding and tokens); rows 0 and 2 have padding (pad token).
        NnTesting.assertGradientsReachEveryParameter(net, () -> in.run(net, bools(false, true, false)).square().sum());
    }

    @Test
    void gradientsReachEveryParameterWithoutTokenEncodings() {
        DiffusionPrior net = new DiffusionPrior(NO_TOKENS);
        Inputs in = Inputs.of(NO_TOKENS, 3);
        assertFalse(net.namedParameters().containsKey("pad_token"));
        assertFalse(net.namedParameters().containsKey("null_text_tokens"));
        NnTesting.assertGradientsReachEveryParameter(net, () -> in.run(net, bools(true, false, false)).square().sum());
    }

    @Test
    void sameSeedSameNetworkAndSameDropout() {
        PriorConfig c = new PriorConfig(D, W, T, 16, 2, 2, 0.2);
        Inputs in = Inputs.of(c, 4);
        Engine.seed(11);
        Tensor first = in.run(new DiffusionPrior(c), null);
        Engine.seed(11);
        DiffusionPrior net = new DiffusionPrior(c);
        assertSame(first, in.run(net, null), 0);
        assertNotEquals(0, maxDiff(first, in.run(net, null)), "dropout draws differ from call to call");
        net.train(false);
        assertSame(in.run(net, null), in.run(net, null), 0);
    }

    @Test
    void positionsBeforeTheNoisedImageEmbeddingDoNotSeeIt() {
        DiffusionPrior net = new DiffusionPrior(WITH_TOKENS);
        Inputs in = Inputs.of(WITH_TOKENS, 5);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor a = net.sequence(in.x, in.t, in.text, in.tokens, in.mask, null);
            Tensor b = net.sequence(Ops.randn(Ops.generator(99), 3, D), in.t, in.text, in.tokens, in.mask, null);
            int image = T + 2; // tokens, text embedding, timestep, then the noised image embedding
            assertSame(a.narrow(1, 0, image), b.narrow(1, 0, image), 0);
            assertTrue(maxDiff(a.narrow(1, image, 2), b.narrow(1, image, 2)) > 1e-3, "the image and query positions see it");
        }
    }

    @Test
    void tokenEncodingsAtPaddedPositionsDoNotMatter() {
        DiffusionPrior net = new DiffusionPrior(WITH_TOKENS);
        Inputs in = Inputs.of(WITH_TOKENS, 6);
        Tensor padded = in.mask.logical_not().unsqueeze(2);
        Tensor otherPadding = torch.where(padded, Ops.randn(Ops.generator(7), 3, T, W), in.tokens);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor base = in.run(net, null);
            assertSame(base, net.forward(in.x, in.t, in.text, otherPadding, in.mask), 0);
            Tensor otherReal = torch.where(padded, in.tokens, Ops.randn(Ops.generator(8), 3, T, W));
            assertTrue(maxDiff(base, net.forward(in.x, in.t, in.text, otherReal, in.mask)) > 1e-4, "real tokens matter");
            assertTrue(maxDiff(base, net.forward(in.x, in.t, in.text, in.tokens, null)) > 1e-4, "a null mask means all real");
        }
    }

    @Test
    void droppingTheTextIsPassingTheNullConditionByHand() {
        DiffusionPrior net = new DiffusionPrior(WITH_TOKENS);
        Inputs in = Inputs.of(WITH_TOKENS, 9);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor dropped = in.run(net, bools(false, true, true));
            Tensor rows = bools(false, true, true);
            Tensor text = torch.where(rows.reshape(3, 1), net.nullTextEmbed(3), in.text);
            Tensor tokens = torch.where(rows.reshape(3, 1, 1), net.nullTextTokens(3), in.tokens);
            Tensor mask = in.mask.logical_or(rows.reshape(3, 1));
            assertSame(net.forward(in.x, in.t, text, tokens, mask), dropped, 1e-6);
            assertSame(in.run(net, null), in.run(net, bools(false, false, false)), 0);
            assertSame(in.run(net, null).narrow(0, 0, 1), dropped.narrow(0, 0, 1), 0);
            assertTrue(maxDiff(in.run(net, null).narrow(0, 1, 2), dropped.narrow(0, 1, 2)) > 1e-4);
        }
    }

    @Test
    void bf16AutocastGivesFiniteFloat32Predictions() {
        DiffusionPrior net = new DiffusionPrior(WITH_TOKENS);
        Inputs in = Inputs.of(WITH_TOKENS, 10);
        Tensor fp32 = in.run(net, bools(true, false, false));
        Tensor bf16;
        try (Autocast a = Autocast.bf16(true)) {
            bf16 = in.run(net, bools(true, false, false));
        }
        assertEquals(torch.ScalarType.Float, bf16.scalar_type().intern());
        assertTrue(maxDiff(fp32, bf16) < 0.1, "bf16 close to fp32: " + maxDiff(fp32, bf16));
    }

    @Test
    void scalingTakesUnitVectorsToUnitVarianceAndBack() {
        assertEquals(4.0, DiffusionPrior.embedScale(16), 0);
        Tensor unit = DiffusionPrior.fromDiffusionSpace(Ops.randn(Ops.generator(12), 64, 512));
        Tensor norms = unit.square().sum(new long[] {1}, false, new ScalarTypeOptional()).sqrt();
        assertSame(Ops.ones(64), norms, 1e-5);
        Tensor scaled = DiffusionPrior.toDiffusionSpace(unit);
        assertEquals(1.0, Ops.item(scaled.square().mean()), 1e-5, "unit variance per dimension");
        assertSame(unit, DiffusionPrior.fromDiffusionSpace(scaled), 1e-6);
        assertSame(unit, DiffusionPrior.fromDiffusionSpace(Ops.mul(unit, 0.3)), 1e-6);
    }

    @Test
    void lossIsDeterministicAndDroppingEveryCaptionIgnoresIt() {
        DiffusionPrior net = new DiffusionPrior(WITH_TOKENS);
        GaussianDiffusion diffusion = PriorLoss.DIFFUSION.build();
        Inputs in = Inputs.of(WITH_TOKENS, 13);
        Tensor image = DiffusionPrior.fromDiffusionSpace(in.x);
        Tensor text = DiffusionPrior.fromDiffusionSpace(in.text);
        Tensor otherText = DiffusionPrior.fromDiffusionSpace(Ops.randn(Ops.generator(14), 3, D));
        try (NoGradGuard g = new NoGradGuard()) {
            double a = Ops.item(PriorLoss.loss(net, diffusion, image, text, in.tokens, in.mask, 0.1, Ops.generator(1)));
            double b = Ops.item(PriorLoss.loss(net, diffusion, image, text, in.tokens, in.mask, 0.1, Ops.generator(1)));
            assertTrue(Double.isFinite(a) && a > 0);
            assertEquals(a, b, 0);
            double all = Ops.item(PriorLoss.loss(net, diffusion, image, text, in.tokens, in.mask, 1.0, Ops.generator(2)));
            double allOther = Ops.item(PriorLoss.loss(net, diffusion, image, otherText, in.tokens, in.mask, 1.0, Ops.generator(2)));
            assertEquals(all, allOther, 1e-6);
            double none = Ops.item(PriorLoss.loss(net, diffusion, image, text, in.tokens, in.mask, 0.0, Ops.generator(2)));
            double noneOther = Ops.item(PriorLoss.loss(net, diffusion, image, otherText, in.tokens, in.mask, 0.0, Ops.generator(2)));
            assertNotEquals(none, noneOther);
        }
    }

    @Test
    void badInputsAreRejectedByName() {
        DiffusionPrior withTokens = new DiffusionPrior(WITH_TOKENS);
        DiffusionPrior noTokens = new DiffusionPrior(NO_TOKENS);
        Inputs in = Inputs.of(WITH_TOKENS, 15);
        assertThrows(IllegalArgumentException.class, () -> withTokens.forward(in.x, in.t, in.text, null, null));
        assertThrows(IllegalArgumentException.class, () -> noTokens.forward(in.x, in.t, in.text, in.tokens, in.mask));
        assertThrows(IllegalStateException.class, () -> noTokens.nullTextTokens(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withTokens.forward(in.x, in.t, in.text, in.tokens, in.mask.narrow(1, 0, 2)));
        assertTrue(e.getMessage().contains("text mask"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withTokens.forward(in.x.narrow(1, 0, 4), in.t, in.text, in.tokens, in.mask));
    }
}
