package dev.dalle2.diffusion;

import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/** A network seen by the diffusion code: noisy input in, {@link Prediction} out. */
@FunctionalInterface
public interface Denoiser {
    /**
     * @param xt   noisy samples, float32 [B, ...]
     * @param t    ORIGINAL timesteps (not indices of a respaced schedule), int64 [B]
     * @param cond conditioning tensors, each [B, ...]; may be empty
     * @return the prediction (ε, x₀ or v), float32 of the shape of {@code xt}
     */
    Tensor predict(Tensor xt, Tensor t, Map<String, Tensor> cond);
}
