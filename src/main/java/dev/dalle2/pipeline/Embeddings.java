package dev.dalle2.pipeline;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;

/** Geometry of unit CLIP embeddings [B, D]: normalisation and spherical interpolation. */
public final class Embeddings {
    private Embeddings() {}

    /**
     * Spherical interpolation between the unit vectors a and b (each [1, D]) at fraction t:
     * slerp(a, b, t) = (sin((1−t)θ)·a + sin(tθ)·b) / sin θ with cos θ = a·b; linear
     * interpolation, re-normalised, where a and b are (nearly) parallel. Returns [1, D].
     */
    public static Tensor slerp(Tensor a, Tensor b, double t) {
        if (a.dim() != 2 || b.dim() != 2 || a.size(0) != 1 || b.size(0) != 1) {
            throw new IllegalArgumentException("slerp takes two [1, D] embeddings");
        }
        Tensor ua = Ops.normalize(a);
        Tensor ub = Ops.normalize(b);
        double theta = Math.acos(Math.max(-1, Math.min(1, Ops.item(ua.mul(ub).sum()))));
        if (theta < 1e-4) {
            return Ops.normalize(Ops.mul(ua, 1 - t).add(Ops.mul(ub, t)));
        }
        double s = Math.sin(theta);
        return Ops.mul(ua, Math.sin((1 - t) * theta) / s).add(Ops.mul(ub, Math.sin(t * theta) / s));
    }
}
