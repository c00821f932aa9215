package dev.dalle2.train;

import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNet;
import dev.dalle2.decoder.UNetDenoiser;
import dev.dalle2.decoder.Upsampling;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;
import java.util.Random;

/**
 * Trains the upsampler U-Net as in the paper: on random crops of a quarter of the image area
 * ([B, 3, S/2, S/2] of [B, 3, S, S]), with the low-resolution input made from the crop by 2×2
 * averaging, blurred with probability 0.5, and bilinearly upsampled back to the crop size. At
 * inference the same network runs on the full image. Sample grids show, per row, the
 * bilinear upsampling of the low-resolution image and the EMA upsampler's result.
 */
public final class UpsamplerTask extends UNetTask {
    private static final double BLUR_PROBABILITY = 0.5;

    public UpsamplerTask(UNet model, UNet average, ImageSet data, DiffusionConfig diffusion, SamplingConfig sampling,
                         int sampleCount) {
        super(model, average, data, diffusion, sampling, sampleCount);
        if (model.config().inChannels() != 6 || model.config().condDim() != 0) {
            throw new IllegalArgumentException("an upsampler U-Net takes 6 input channels and no embedding");
        }
    }

    /** Crops a random quarter-area square of each image. */
    @Override
    public HostBatch load(int[] indices, Random random) {
        int s = data.imageSize();
        int c = s / 2;
        float[] out = new float[indices.length * 3 * c * c];
        for (int b = 0; b < indices.length; b++) {
            float[] img = data.pixels()[indices[b]];
            int y0 = random.nextInt(s - c + 1);
            int x0 = random.nextInt(s - c + 1);
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < c; y++) {
                    System.arraycopy(img, ch * s * s + (y0 + y) * s + x0, out, ((b * 3 + ch) * c + y) * c, c);
                }
            }
        }
        return new HostBatch(Map.of("image", new HostBatch.Array(out, indices.length, 3, c, c)));
    }

    @Override
    public Tensor loss(HostBatch batch, Generator g) {
        Tensor x0 = batch.tensor("image");
        Tensor lowRes = Upsampling.randomBlur(Upsampling.downsample(x0), BLUR_PROBABILITY, g);
        return diffusion.trainingLoss(new UNetDenoiser(model), x0, Map.of(UNetDenoiser.LOW_RES, Upsampling.upsample(lowRes)), g);
    }

    @Override
    protected Tensor samples(Generator g) {
        HostBatch.Array real = data.images(sampleIndices());
        Tensor bilinear = Upsampling.upsample(Upsampling.downsample(Ops.tensor(real.data(), real.shape())));
        Tensor fake = DecoderSampling.sample(average, sampler(), 1.0, null, bilinear,
                Ops.randn(g, real.shape()), g, null);
        return Ops.cat(0, bilinear, fake);
    }
}
