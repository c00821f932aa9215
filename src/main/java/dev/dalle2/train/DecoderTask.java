package dev.dalle2.train;

import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNet;
import dev.dalle2.decoder.UNetDenoiser;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.GaussianDiffusion;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Module;
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
public final class DecoderTask implements TrainingTask {
    private final UNet model;
    private final UNet average;
    private final ImageSet data;
    private final GaussianDiffusion diffusion;
    private final DiffusionConfig diffusionConfig;
    private final SamplingConfig sampling;
    private final double condDropProb;
    private final int sampleCount;

    public DecoderTask(UNet model, UNet average, ImageSet data, DiffusionConfig diffusion, SamplingConfig sampling,
                       double condDropProb, int sampleCount) {
        if (data.conditions() == null || data.conditionSize() != model.config().condDim()) {
            throw new IllegalArgumentException("the data's conditioning vectors have size " + data.conditionSize()
                    + " but the U-Net's condDim is " + model.config().condDim());
        }
        if (data.imageSize() != model.config().imageSize()) {
            throw new IllegalArgumentException("the data's images are " + data.imageSize() + " px but the U-Net's imageSize is "
                    + model.config().imageSize());
        }
        this.model = model;
        this.average = average;
        this.data = data;
        this.diffusion = diffusion.build();
        this.diffusionConfig = diffusion;
        this.sampling = sampling;
        this.condDropProb = condDropProb;
        this.sampleCount = Math.min(sampleCount, data.size());
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public Module average() {
        return average;
    }

    @Override
    public int size() {
        return data.size();
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
    public Tensor samples(Generator g) {
        int[] which = new int[sampleCount];
        for (int i = 0; i < sampleCount; i++) {
            which[i] = (int) ((long) i * data.size() / sampleCount);
        }
        Tensor real = Ops.tensor(data.images(which).data(), data.images(which).shape());
        Tensor cond = Ops.tensor(data.conditions(which).data(), data.conditions(which).shape());
        Tensor noise = Ops.randn(g, real.shape());
        Tensor fake = DecoderSampling.sample(average, sampling.build(diffusionConfig), sampling.guidance(), cond, null,
                noise, g, null);
        return Ops.cat(0, real, fake);
    }
}
