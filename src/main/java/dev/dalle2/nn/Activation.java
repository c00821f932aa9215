package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;

/** Element-wise non-linearities by name, for layers whose activation is configurable. */
public enum Activation {
    GELU, QUICK_GELU, SILU;

    public Tensor apply(Tensor x) {
        return switch (this) {
            case GELU -> Ops.gelu(x);
            case QUICK_GELU -> Ops.quickGelu(x);
            case SILU -> Ops.silu(x);
        };
    }
}
