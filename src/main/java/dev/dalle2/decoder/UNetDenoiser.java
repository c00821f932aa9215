package dev.dalle2.decoder;

import dev.dalle2.diffusion.Denoiser;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * A {@link UNet} seen by the diffusion code: conditioning {@code image_embed} [B, D] is the
 * embedding input, and {@code low_res} [B, 3, S, S] (an upsampler's upsampled low-resolution image)
 * and {@code inpaint} [B, 4, S, S] (an inpainting decoder's known image, zero where it is to be
 * painted, and the mask, 1 there) are concatenated to x_t on the channels, in that order.
 */
public record UNetDenoiser(UNet net) implements Denoiser {
    public static final String EMBEDDING = "image_embed";
    public static final String LOW_RES = "low_res";
    public static final String INPAINT = "inpaint";

    @Override
    public Tensor predict(Tensor xt, Tensor t, Map<String, Tensor> cond) {
        Tensor x = xt;
        for (String key : new String[] {LOW_RES, INPAINT}) {
            Tensor extra = cond.get(key);
            x = extra == null ? x : Ops.cat(1, x, extra.to(xt.scalar_type()));
        }
        return net.forward(x, t, cond.get(EMBEDDING));
    }
}
