package dev.dalle2.train;

import dev.dalle2.decoder.UNet;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.GaussianDiffusion;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.Images;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

/** What the decoder and upsampler tasks share: a U-Net and its EMA copy, in-memory images, a diffusion process. */
abstract class UNetTask extends NetworkTask<UNet> {
    protected final ImageSet data;
    protected final GaussianDiffusion diffusion;
    private final DiffusionConfig diffusionConfig;
    private final SamplingConfig sampling;
    private final int sampleCount;

    UNetTask(UNet model, UNet average, ImageSet data, DiffusionConfig diffusion, SamplingConfig sampling, int sampleCount) {
        super(model, average);
        if (data.imageSize() != model.config().imageSize()) {
            throw new IllegalArgumentException("the data's images are " + data.imageSize() + " px but the U-Net's imageSize is "
                    + model.config().imageSize());
        }
        this.data = data;
        this.diffusion = diffusion.build();
        this.diffusionConfig = diffusion;
        this.sampling = sampling;
        this.sampleCount = Math.min(sampleCount, data.size());
    }

    @Override
    public final int size() {
        return data.size();
    }

    /** Two rows: N reference images (real ones, or the input the network starts from), then the N the EMA model made. */
    @Override
    public final Tensor preview(Generator g) {
        Tensor images = samples(g);
        return Images.grid(images, (int) Math.max(1, images.size(0) / 2), 1);
    }

    /** [2N, 3, H, W] in [-1, 1]: N reference images, then the N samples of the EMA model made from them. */
    protected abstract Tensor samples(Generator g);

    /** The examples shown in sample grids: evenly spread over the dataset, the same at every grid. */
    protected final int[] sampleIndices() {
        int[] which = new int[sampleCount];
        for (int i = 0; i < sampleCount; i++) {
            which[i] = (int) ((long) i * data.size() / sampleCount);
        }
        return which;
    }

    protected final Sampler sampler() {
        return sampling.build(diffusionConfig);
    }

    protected final double guidance() {
        return sampling.guidance();
    }
}
