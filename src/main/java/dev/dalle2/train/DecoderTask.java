package dev.dalle2.train;

import dev.dalle2.data.Masks;
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
 *
 * <p>An inpainting decoder ({@link dev.dalle2.decoder.UNetConfig#inpainting}, GLIDE's recipe) also gets, for every
 * image, a random mask ({@link Masks#random}: boxes, brush strokes, edge bands, everything) and as its extra input
 * the image with the masked part zeroed and the mask ([B, 4, S, S]); the loss is over the whole image, as in GLIDE.
 * Its sample grids show the masked inputs in the first row.
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
        HostBatch.Array images = data.images(indices);
        if (!model.config().inpainting()) {
            return new HostBatch(Map.of("image", images, "cond", data.conditions(indices)));
        }
        int s = data.imageSize();
        float[] masks = new float[indices.length * s * s];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(Masks.random(random, s), 0, masks, i * s * s, s * s);
        }
        return new HostBatch(Map.of("image", images, "cond", data.conditions(indices),
                "mask", new HostBatch.Array(masks, new long[] {indices.length, 1, s, s})));
    }

    @Override
    public Tensor loss(HostBatch batch, Generator g) {
        Tensor cond = model.dropCondition(batch.tensor("cond"), condDropProb, g);
        Tensor images = batch.tensor("image");
        Map<String, Tensor> inputs = model.config().inpainting()
                ? Map.of(UNetDenoiser.EMBEDDING, cond, UNetDenoiser.INPAINT, inpaintInput(images, batch.tensor("mask")))
                : Map.of(UNetDenoiser.EMBEDDING, cond);
        return diffusion.trainingLoss(new UNetDenoiser(model), images, inputs, g);
    }

    /** [B, 4, S, S]: the images with the masked part zeroed, then the mask (1 = to paint). */
    static Tensor inpaintInput(Tensor images, Tensor mask) {
        return Ops.cat(1, images.mul(Ops.oneMinus(mask)), mask);
    }

    @Override
    protected Tensor samples(Generator g) {
        int[] which = sampleIndices();
        HostBatch.Array images = data.images(which);
        HostBatch.Array conds = data.conditions(which);
        Tensor real = Ops.tensor(images.data(), images.shape());
        Tensor embeds = Ops.tensor(conds.data(), conds.shape());
        if (!model.config().inpainting()) {
            return Ops.cat(0, real, DecoderSampling.sample(average, sampler(), guidance(), embeds, null,
                    Ops.randn(g, real.shape()), g, null));
        }
        // the same random masks at every grid
        int s = data.imageSize();
        float[] masks = new float[which.length * s * s];
        Random fixed = new Random(0);
        for (int i = 0; i < which.length; i++) {
            System.arraycopy(Masks.random(fixed, s), 0, masks, i * s * s, s * s);
        }
        Tensor input = inpaintInput(real, Ops.tensor(masks, which.length, 1, s, s));
        Tensor fake = DecoderSampling.sample(average, sampler(), guidance(), embeds, null, Ops.randn(g, real.shape()), g,
                null, null, input);
        return Ops.cat(0, input.narrow(1, 0, 3), fake);
    }
}
