package dev.dalle2.nn;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

/** Parameter initialisers. Draws come from libtorch's default generator ({@link Engine#seed}). */
public final class Init {
    private Init() {}

    /** Uniform in [-bound, bound): PyTorch's default for linear and conv layers with bound 1/sqrt(fan_in). */
    public static Tensor uniform(double bound, long... shape) {
        return Ops.mul(Ops.add(Ops.rand(null, shape), -0.5), 2 * bound);
    }

    /** Normal with the given standard deviation. */
    public static Tensor normal(double std, long... shape) {
        return Ops.mul(Ops.randn(null, shape), std);
    }

    /** Sets the given parameters to zero in place (the output layers of residual branches, as in ADM). */
    public static void zero(Tensor... parameters) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : parameters) {
                p.zero_();
            }
        }
    }
}
