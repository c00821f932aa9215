package dev.dalle2.decoder;

import dev.dalle2.diffusion.ClassifierFreeGuidance;
import dev.dalle2.diffusion.Denoiser;
import dev.dalle2.diffusion.KnownRegion;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.StepListener;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.HashMap;
import java.util.Map;

/** Sampling images from a decoder or upsampler U-Net, with classifier-free guidance on the embedding. */
public final class DecoderSampling {
    private DecoderSampling() {}

    /**
     * @param embedding [B, D] conditioning embeddings, or null for a network without them
     * @param lowRes    [B, 3, S, S] upsampled low-resolution images for an upsampler, or null
     * @param guidance  classifier-free guidance scale; 1 samples the conditional model alone
     * @param noise     the starting noise [B, 3, S, S]
     * @return images [B, 3, S, S] in [-1, 1]
     */
    public static Tensor sample(UNet net, Sampler sampler, double guidance, Tensor embedding, Tensor lowRes,
                                Tensor noise, Generator g, StepListener listener) {
        return sample(net, sampler, guidance, embedding, lowRes, noise, g, listener, null, null);
    }

    /**
     * As above, for inpainting: keeping the {@code known} pixels (may be null; see {@link KnownRegion}), and giving an
     * inpainting decoder its {@code inpaint} input ([B, 4, S, S], may be null; {@link UNetDenoiser#INPAINT}).
     */
    public static Tensor sample(UNet net, Sampler sampler, double guidance, Tensor embedding, Tensor lowRes,
                                Tensor noise, Generator g, StepListener listener, KnownRegion known, Tensor inpaint) {
        Map<String, Tensor> cond = new HashMap<>();
        if (inpaint != null) {
            cond.put(UNetDenoiser.INPAINT, inpaint);
        }
        if (lowRes != null) {
            cond.put(UNetDenoiser.LOW_RES, lowRes);
        }
        Denoiser model = new UNetDenoiser(net);
        if (embedding != null) {
            cond.put(UNetDenoiser.EMBEDDING, embedding);
            if (guidance != 1) {
                Map<String, Tensor> uncond = new HashMap<>(cond);
                uncond.put(UNetDenoiser.EMBEDDING, net.nullCondition(embedding.size(0)));
                model = new ClassifierFreeGuidance(model, uncond, guidance);
            }
        }
        return sampler.sample(model, noise, cond, g, listener, known);
    }
}
