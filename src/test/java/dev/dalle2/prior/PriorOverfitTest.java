package dev.dalle2.prior;

import dev.dalle2.diffusion.GaussianDiffusion;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The prior must learn a small text → image embedding table: the guard against a prior that ignores its caption. */
class PriorOverfitTest {
    private static final int PAIRS = 8;
    private static final int D = 16;

    /** Row-wise dot products of two [B, D] tensors of unit vectors: the cosines. */
    private static float[] cosines(Tensor a, Tensor b) {
        return Ops.toFloats(a.mul(b).sum(new long[] {1}, false, new ScalarTypeOptional()));
    }

    @Test
    void priorMapsEachTrainingCaptionToItsImageEmbedding() {
        long began = System.nanoTime();
        Engine.seed(0);
        Tensor text = DiffusionPrior.fromDiffusionSpace(Ops.randn(Ops.generator(1), PAIRS, D));
        Tensor image = DiffusionPrior.fromDiffusionSpace(Ops.randn(Ops.generator(2), PAIRS, D));
        // Each step sees every pair four times, at different timesteps and noise.
        Tensor textBatch = text.repeat(4, 1);
        Tensor imageBatch = image.repeat(4, 1);

        DiffusionPrior prior = new DiffusionPrior(new PriorConfig(D, 0, 0, 64, 2, 4, 0.0));
        GaussianDiffusion diffusion = PriorLoss.DIFFUSION.build();
        AdamW optimizer = new AdamW(new TensorVector(prior.parameters().toArray(new Tensor[0])), new AdamWOptions(3e-3));
        Generator g = Ops.generator(3);
        double loss = Double.NaN;
        for (int step = 0; step < 200; step++) {
            try (PointerScope scope = new PointerScope()) {
                optimizer.zero_grad();
                Tensor l = PriorLoss.loss(prior, diffusion, imageBatch, textBatch, null, null, PriorLoss.DROP_PROB, g);
                l.backward();
                optimizer.step();
                loss = Ops.item(l);
            }
        }

        prior.train(false);
        try (PointerScope scope = new PointerScope()) {
            SamplingConfig sampling = PriorSampling.SAMPLING.withSteps(24);
            Tensor sampled = PriorSampling.sample(prior, sampling.build(PriorLoss.DIFFUSION), 1.0,
                    PriorSampling.CANDIDATES, text, null, null, Ops.generator(4));
            float[] got = cosines(sampled, image);
            float[] baseline = cosines(text, image);
            double worst = 1;
            double baselineBest = -1;
            for (int i = 0; i < PAIRS; i++) {
                worst = Math.min(worst, got[i]);
                baselineBest = Math.max(baselineBest, baseline[i]);
            }
            System.out.printf(Locale.ROOT, "prior overfit: final loss %.4f, worst cosine %.3f, best text-image cosine %.3f, %.1f s%n",
                    loss, worst, baselineBest, (System.nanoTime() - began) / 1e9);
            assertTrue(worst > 0.9, "every caption maps to its image embedding: worst cosine " + worst);
            assertTrue(worst > baselineBest + 0.3, "far above the text embeddings themselves: " + baselineBest);
        }
    }
}
