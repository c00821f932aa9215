package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/** What a sampler does to each predicted x̂₀ ([B, ...] float32) before using it. */
@FunctionalInterface
public interface X0Processing {
    /** The default percentile of {@link #dynamic(double)}. */
    double DEFAULT_PERCENTILE = 0.995;

    /** Leaves x̂₀ as predicted. */
    X0Processing NONE = x0 -> x0;

    /** Clamps x̂₀ to [−1, 1]. */
    X0Processing CLIP = x0 -> Ops.clamp(x0, -1, 1);

    /** The processed x̂₀, same shape. */
    Tensor apply(Tensor x0);

    /**
     * Imagen's dynamic thresholding: per sample, s = max(quantile(|x̂₀|, p), 1) over all its
     * elements, then x̂₀ ← clamp(x̂₀, −s, s) / s.
     */
    static X0Processing dynamic(double percentile) {
        if (!(percentile > 0 && percentile <= 1)) {
            throw new IllegalArgumentException("percentile " + percentile + " is not in (0, 1]");
        }
        return x0 -> {
            long batch = x0.size(0);
            Tensor s = Ops.quantile(x0.abs().reshape(batch, -1), percentile, 1);
            long[] shape = new long[(int) x0.dim()];
            Arrays.fill(shape, 1);
            shape[0] = batch;
            s = torch.clamp_min(s, new Scalar(1.0)).reshape(shape);
            return Ops.clamp(x0, s.neg(), s).div(s);
        };
    }

    /** {@code "none"}, {@code "clip"}, {@code "dynamic"} (p = 0.995) or {@code "dynamic:P"}. */
    static X0Processing fromName(String name) {
        if (name.equals("none")) {
            return NONE;
        }
        if (name.equals("clip")) {
            return CLIP;
        }
        if (name.equals("dynamic")) {
            return dynamic(DEFAULT_PERCENTILE);
        }
        if (name.startsWith("dynamic:")) {
            return dynamic(Double.parseDouble(name.substring("dynamic:".length())));
        }
        throw new IllegalArgumentException("unknown x0 processing '" + name + "' (use none, clip, dynamic or dynamic:P)");
    }
}
