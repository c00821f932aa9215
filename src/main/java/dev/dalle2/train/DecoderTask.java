package dev.dalle2.train;

import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNet;
import dev.dalle2.decoder.UNetDenoiser;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;
import java.util.Random;

/**
 * Trains the decoder U-Net: images x₀ [B, 3, S, S] conditioned on embeddings [B, D] (CLIP image
 * embeddings, or any other per-image vector), with the condition replaced by the learned null
 * embedding with probability {@code condDropProb} for classifier-free guidance. Sample grids show
 * real images in the first row and guided EMA samples for the same embeddings below.
 */
public final class DecoderTask extends UNetTask {
    private final double condDropProb;

    public DecoderTask(UNet model, UNet average, ImageSet data, DiffusionConfig diffusion, SamplingConfig sampling,
                       double condDropProb, int sampleCount) {
        super(model, average, data, diffusion, sampling, sampleCount);
        if (data.conditions() == null || data.conditionSize() != model.config().condDim()) {
            throw new IllegalArgumentException("the data's conditioning vectors have size " + data.conditionSize()
                    + " but the U-Net's condDim is " + model.config().condDim());
        }
        this.condDropProb = condDropProb;
    }

    @Override
    public HostBatch load(int[] indices, Random random) {
        return new HostBatch(Map.of("image", data.images(indices), "cond", data.conditions(indices)));
    }

    @Override
    public Tensor loss(HostBatch batch, Generator g) {
        Tensor cond = model.dropCondition(batch.tensor("cond"), condDropProb, g);
        return diffusion.trainingLoss(new UNetDenoiser(model), batch.tensor("image"), Map.of(UNetDenoiser.EMBEDDING, cond), g);
    }

    @Override
    protected Tensor samples(Generator g) {
        int[] which = sampleIndices();
        HostBatch.Array images = data.images(which);
        HostBatch.Array conds = data.conditions(which);
        Tensor real = Ops.tensor(images.data(), images.shape());
        Tensor fake = DecoderSampling.sample(average, sampler(), guidance(), Ops.tensor(conds.data(), conds.shape()), null,
                Ops.randn(g, real.shape()), g, null);
        return Ops.cat(0, real, fake);
    }
}
