package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Layer normalisation over the last dimension: input [..., D], output float32 [..., D], with learned
 * {@code weight} [D] (ones) and {@code bias} [D] (zeros). Always computed in float32.
 */
public final class LayerNorm extends Module {
    private final long dim;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public LayerNorm(long dim) {
        this(dim, 1e-5);
    }

    public LayerNorm(long dim, double eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", Ops.ones(dim));
        this.bias = parameter("bias", Ops.zeros(dim));
    }

    public Tensor forward(Tensor x) {
        return torch.layer_norm(x.to(torch.ScalarType.Float), new long[] {dim}, new TensorOptional(weight),
                new TensorOptional(bias), eps, false);
    }
}
