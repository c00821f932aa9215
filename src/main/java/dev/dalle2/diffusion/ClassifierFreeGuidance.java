package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2021, as in GLIDE and unCLIP) around a {@link Denoiser}:
 * each call runs ONE batched forward on [cond; uncond] — x_t, t and every conditioning entry
 * concatenated on dim 0, so the model sees batch 2B — splits the output into its conditional and
 * unconditional halves and returns uncond + s·(cond − uncond). The model output is guided as it is,
 * whatever its {@link Prediction}; with s = 1 the result is the conditional prediction.
 *
 * <p>The conditional map is the one the sampler passes to {@link #predict}; the unconditional map
 * is fixed at construction and must have the same keys and shapes.
 */
public final class ClassifierFreeGuidance implements Denoiser {
    private final Denoiser model;
    private final Map<String, Tensor> uncond;
    private final double scale;

    /**
     * @param model  the conditional/unconditional network
     * @param uncond the unconditional inputs (e.g. null text embeddings), each [B, ...]
     * @param scale  guidance scale s (1 = no guidance)
     */
    public ClassifierFreeGuidance(Denoiser model, Map<String, Tensor> uncond, double scale) {
        this.model = model;
        this.uncond = Map.copyOf(uncond);
        this.scale = scale;
    }

    @Override
    public Tensor predict(Tensor xt, Tensor t, Map<String, Tensor> cond) {
        if (!cond.keySet().equals(uncond.keySet())) {
            throw new IllegalArgumentException("conditional keys " + cond.keySet()
                    + " differ from unconditional keys " + uncond.keySet());
        }
        Map<String, Tensor> both = new LinkedHashMap<>();
        cond.forEach((key, c) -> {
            Tensor u = uncond.get(key);
            if (!Arrays.equals(c.shape(), u.shape())) {
                throw new IllegalArgumentException("'" + key + "': conditional shape " + Arrays.toString(c.shape())
                        + " differs from unconditional shape " + Arrays.toString(u.shape()));
            }
            both.put(key, Ops.cat(0, c, u));
        });
        Tensor out = model.predict(Ops.cat(0, xt, xt), Ops.cat(0, t, t), both);
        long batch = xt.size(0);
        Tensor condOut = out.narrow(0, 0, batch);
        Tensor uncondOut = out.narrow(0, batch, batch);
        return Ops.addScaled(uncondOut, condOut.sub(uncondOut), scale);
    }
}
