package dev.dalle2.nn;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * 2-D convolution with a square kernel. Input [B, in, H, W], output [B, out, H', W'] with
 * H' = (H + 2·padding − kernel)/stride + 1. Parameters {@code weight} [out, in, k, k] and
 * {@code bias} [out] (optional), initialised uniformly in ±1/sqrt(in·k·k) as in PyTorch.
 *
 * <p>On the CPU a layer whose input or output channels are not a multiple of {@link #CHANNEL_BLOCK}
 * runs with its weight (and its input) padded by zeros to the next multiple, and the extra output
 * channels are cut off. libtorch's oneDNN blocks channels by 16 and, on AVX-512 machines, reads weight
 * padding that it never zeroed: in fp32 the backward pass of a layer with 3 output channels (a U-Net's
 * last layer) turns the input gradient into NaN whenever the stale heap bytes there happen to be NaN
 * (0 × NaN), at random from run to run; in bf16 the forward pass and the weight gradient are wrong
 * whenever the output channels are not a multiple of 16, and the input gradient whenever the input
 * channels are not (docs/reliability.md, ConvolutionGradientTest). With explicit zeros there is no
 * padding for it to read. The result and the gradients are the plain convolution's; the cost is the
 * extra channels' work.
 */
public final class Conv2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final long stride;
    private final long padding;

    /** The channel block of oneDNN's AVX-512 convolutions. */
    static final long CHANNEL_BLOCK = 16;

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
        boolean cpu = Engine.device().is_cpu();
        long out = weight.size(0);
        long extraIn = cpu ? Math.floorMod(-weight.size(1), CHANNEL_BLOCK) : 0;
        long extraOut = cpu ? Math.floorMod(-out, CHANNEL_BLOCK) : 0;
        if (extraIn == 0 && extraOut == 0) {
            return convolve(x, weight, bias);
        }
        // torch.pad's spec runs from the last dimension backwards: (left, right) pairs.
        return Scopes.keepResult(() -> convolve(zeroPad(x, 0, 0, 0, 0, 0, extraIn),
                zeroPad(weight, 0, 0, 0, 0, 0, extraIn, 0, extraOut),
                bias == null ? null : zeroPad(bias, 0, extraOut)).narrow(1, 0, out));
    }

    private static Tensor zeroPad(Tensor t, long... spec) {
        return torch.pad(t, spec, "constant", new DoubleOptional());
    }

    private Tensor convolve(Tensor x, Tensor w, Tensor b) {
        return torch.conv2d(x, w, b == null ? new TensorOptional() : new TensorOptional(b), new long[] {stride, stride},
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
