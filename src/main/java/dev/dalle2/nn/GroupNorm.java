package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Group normalisation over [B, C, ...] with a learned per-channel scale {@code weight} [C] (ones)
 * and shift {@code bias} [C] (zeros). Always computed in float32, also inside bf16 autocast; the
 * output is float32 [B, C, ...].
 */
public final class GroupNorm extends Module {
    private final long groups;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    public GroupNorm(long groups, long channels) {
        this(groups, channels, 1e-5);
    }

    public GroupNorm(long groups, long channels, double eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.groups = groups;
        this.eps = eps;
        this.weight = parameter("weight", Ops.ones(channels));
        this.bias = parameter("bias", Ops.zeros(channels));
    }

    /** The largest group count of at most 32 that divides {@code channels} (32 as in ADM when it can). */
    public static long groupsFor(long channels) {
        for (long g = Math.min(32, channels); g > 1; g--) {
            if (channels % g == 0) {
                return g;
            }
        }
        return 1;
    }

    public Tensor forward(Tensor x) {
        return torch.group_norm(x.to(torch.ScalarType.Float), groups, new TensorOptional(weight),
                new TensorOptional(bias), eps, false);
    }
}
