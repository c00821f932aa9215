package dev.dalle2.decoder;

import dev.dalle2.diffusion.Denoiser;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * A {@link UNet} seen by the diffusion code: conditioning {@code image_embed} [B, D] is the
 * embedding input, and {@code low_res} [B, 3, S, S] (an upsampler's upsampled low-resolution image)
 * is concatenated to x_t on the channels.
 */
public record UNetDenoiser(UNet net) implements Denoiser {
    public static final String EMBEDDING = "image_embed";
    public static final String LOW_RES = "low_res";

    @Override
    public Tensor predict(Tensor xt, Tensor t, Map<String, Tensor> cond) {
        Tensor lowRes = cond.get(LOW_RES);
        Tensor x = lowRes == null ? xt : Ops.cat(1, xt, lowRes.to(xt.scalar_type()));
        return net.forward(x, t, cond.get(EMBEDDING));
    }
}
