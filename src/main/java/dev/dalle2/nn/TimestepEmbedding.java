package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Diffusion timestep embedding: the sinusoidal features of {@link #sinusoidal} followed by
 * Linear → SiLU → Linear. Input t [B] (any numeric dtype), output [B, embedDim].
 * Parameters {@code linear_1.*} and {@code linear_2.*}.
 */
public final class TimestepEmbedding extends Module {
    private final long frequencyDim;
    private final Linear linear1;
    private final Linear linear2;

    public TimestepEmbedding(long frequencyDim, long embedDim) {
        this.frequencyDim = frequencyDim;
        this.linear1 = child("linear_1", new Linear(frequencyDim, embedDim));
        this.linear2 = child("linear_2", new Linear(embedDim, embedDim));
    }

    public Tensor forward(Tensor t) {
        return linear2.forward(Ops.silu(linear1.forward(sinusoidal(t, frequencyDim, 10000))));
    }

    /**
     * Sinusoidal features of t [B] as in the Transformer and ADM: with half = dim/2 and
     * f_i = maxPeriod^(−i/half), the output [B, dim] is [cos(t·f_0..f_{half−1}), sin(t·f_0..f_{half−1})],
     * zero-padded by one column when dim is odd.
     */
    public static Tensor sinusoidal(Tensor t, long dim, double maxPeriod) {
        long half = dim / 2;
        Tensor freqs = Ops.mul(Ops.arange(half), -Math.log(maxPeriod) / half).exp();
        Tensor args = t.to(torch.ScalarType.Float).reshape(-1, 1).mul(freqs.reshape(1, -1));
        Tensor emb = Ops.cat(1, args.cos(), args.sin());
        return dim % 2 == 1 ? Ops.cat(1, emb, Ops.zeros(emb.size(0), 1)) : emb;
    }
}
