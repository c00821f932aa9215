package dev.dalle2.prior;

import dev.dalle2.diffusion.Denoiser;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.dalle2.prior.DiffusionPriorTest.assertSame;
import static dev.dalle2.prior.DiffusionPriorTest.maxDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PriorSamplingTest {
    private static final Sampler FEW_STEPS = new SamplingConfig("ddim", 6, 0.0, 1.0, "none").build(PriorLoss.DIFFUSION);
    private static final Tensor TEXT = Ops.tensor(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, 2, 4);

    @Test
    void defaultsAreThePapers() {
        assertEquals(64, PriorSampling.SAMPLING.steps());
        assertEquals("none", PriorSampling.SAMPLING.x0());
        assertEquals(2, PriorSampling.CANDIDATES);
        assertEquals("cosine", PriorLoss.DIFFUSION.schedule());
        assertEquals(1000, PriorLoss.DIFFUSION.steps());
        assertEquals(dev.dalle2.diffusion.Prediction.X0, PriorLoss.DIFFUSION.prediction());
    }

    @Test
    void bestOfKeepsTheCandidateWithTheHighestDotProduct() {
        // [N = 3, B = 2, D = 4], unit vectors; caption 0 prefers candidate 2, caption 1 candidate 0.
        Tensor candidates = DiffusionPrior.fromDiffusionSpace(Ops.tensor(new float[] {
                1, 1, 0, 0, /**/ 0, 1, 0, 0,
                -1, 0, 0, 0, /**/ 1, 1, 1, 0,
                1, 0.1f, 0, 0, /**/ 0, -1, 0, 0}, 3, 2, 4));
        Tensor best = PriorSampling.bestOf(candidates, TEXT);
        assertSame(Ops.cat(0, candidates.select(0, 2).narrow(0, 0, 1), candidates.select(0, 0).narrow(0, 1, 1)), best, 0);
    }

    @Test
    void samplingDrawsNCandidatesPerCaptionAndKeepsTheBestNormalised() {
        // With x₀ prediction the last DDIM step returns the model's x̂₀, so a model that always predicts
        // this table makes the table the candidates: row k·B + b is candidate k of caption b.
        // Caption 0's best is candidate 1 by cosine, though candidate 0 has the larger raw dot product.
        Tensor table = Ops.tensor(new float[] {
                10, 10, 0, 0, /**/ 0, 3, 0, 0,
                1, 0.1f, 0, 0, /**/ 1, 1, 0, 0,
                -1, 0, 0, 0, /**/ 0, -5, 0, 0}, 6, 4);
        List<Long> batches = new ArrayList<>();
        Denoiser fake = (xt, t, cond) -> {
            batches.add(xt.size(0));
            assertArrayEquals(new long[] {6, 4}, cond.get("c").shape());
            return table;
        };
        Tensor out = PriorSampling.sample(fake, FEW_STEPS, Map.of("c", Ops.zeros(6, 4)), TEXT, 3, Ops.generator(1));
        assertSame(DiffusionPrior.fromDiffusionSpace(Ops.tensor(new float[] {1, 0.1f, 0, 0, 0, 1, 0, 0}, 2, 4)), out, 1e-6);
        assertEquals(List.of(6L, 6L, 6L, 6L, 6L, 6L), batches, "one batched call per step");
        assertThrows(IllegalArgumentException.class,
                () -> PriorSampling.sample(fake, FEW_STEPS, Map.of(), TEXT, 0, Ops.generator(1)));
    }

    @Test
    void guidedSamplingOfARealPriorGivesReproducibleUnitEmbeddings() {
        PriorConfig c = DiffusionPriorTest.WITH_TOKENS;
        DiffusionPrior net = new DiffusionPrior(c);
        net.train(false);
        var in = DiffusionPriorTest.Inputs.of(c, 3);
        Tensor text = DiffusionPrior.fromDiffusionSpace(in.text());
        Tensor a = PriorSampling.sample(net, FEW_STEPS, 3.0, 2, text, in.tokens(), in.mask(), Ops.generator(5));
        Tensor b = PriorSampling.sample(net, FEW_STEPS, 3.0, 2, text, in.tokens(), in.mask(), Ops.generator(5));
        Tensor unguided = PriorSampling.sample(net, FEW_STEPS, 1.0, 2, text, in.tokens(), in.mask(), Ops.generator(5));
        assertArrayEquals(new long[] {3, DiffusionPriorTest.D}, a.shape());
        assertEquals(torch.ScalarType.Float, a.scalar_type().intern());
        assertSame(Ops.ones(3), a.square().sum(new long[] {1}, false, new ScalarTypeOptional()).sqrt(), 1e-5);
        assertSame(a, b, 0);
        assertTrue(maxDiff(a, unguided) > 1e-4, "guidance changes the samples");
    }
}
