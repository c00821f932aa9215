package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Affine map y = x Wᵀ + b. Input [..., in], output [..., out]. Parameters {@code weight} [out, in]
 * and {@code bias} [out] (optional), initialised uniformly in ±1/sqrt(in) as in PyTorch.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    public Linear(long in, long out) {
        this(in, out, true);
    }

    public Linear(long in, long out, boolean bias) {
        double bound = 1 / Math.sqrt(in);
        this.weight = parameter("weight", Init.uniform(bound, out, in));
        this.bias = bias ? parameter("bias", Init.uniform(bound, out)) : null;
    }

    public Tensor forward(Tensor x) {
        return torch.linear(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias));
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }
}
