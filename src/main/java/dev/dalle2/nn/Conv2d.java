package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * 2-D convolution with a square kernel. Input [B, in, H, W], output [B, out, H', W'] with
 * H' = (H + 2·padding − kernel)/stride + 1. Parameters {@code weight} [out, in, k, k] and
 * {@code bias} [out] (optional), initialised uniformly in ±1/sqrt(in·k·k) as in PyTorch.
 */
public final class Conv2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final long stride;
    private final long padding;

    /** A "same" convolution: stride 1 and padding kernel/2. */
    public Conv2d(long in, long out, long kernel) {
        this(in, out, kernel, 1, kernel / 2);
    }

    public Conv2d(long in, long out, long kernel, long stride, long padding) {
        this(in, out, kernel, stride, padding, true);
    }

    public Conv2d(long in, long out, long kernel, long stride, long padding, boolean bias) {
        double bound = 1 / Math.sqrt(in * kernel * kernel);
        this.weight = parameter("weight", Init.uniform(bound, out, in, kernel, kernel));
        this.bias = bias ? parameter("bias", Init.uniform(bound, out)) : null;
        this.stride = stride;
        this.padding = padding;
    }

    public Tensor forward(Tensor x) {
        return torch.conv2d(x, weight, bias == null ? new TensorOptional() : new TensorOptional(bias), new long[] {stride, stride},
                new long[] {padding, padding}, new long[] {1, 1}, 1);
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Tensor bias() {
        return bias;
    }
}
