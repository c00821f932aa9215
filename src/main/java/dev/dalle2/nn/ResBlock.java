package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The ADM residual block with timestep-embedding scale-and-shift:
 * h = conv(SiLU(GN(x))); h = GN(h)·(1 + scale) + shift with [scale, shift] = Linear(SiLU(emb));
 * out = skip(x) + conv(dropout(SiLU(h))). The last conv starts at zero so the block starts as the
 * identity (or the skip projection). Input x [B, in, H, W] and emb [B, embDim]; output [B, out, H, W].
 * Parameters {@code in_norm, in_conv, emb_proj, out_norm, out_conv} and {@code skip} (a 1×1 conv,
 * present only when in ≠ out).
 */
public final class ResBlock extends Module {
    private final double dropout;
    private final GroupNorm inNorm;
    private final Conv2d inConv;
    private final Linear embProj;
    private final GroupNorm outNorm;
    private final Conv2d outConv;
    private final Conv2d skip;

    public ResBlock(long in, long out, long embDim, double dropout) {
        this.dropout = dropout;
        this.inNorm = child("in_norm", new GroupNorm(GroupNorm.groupsFor(in), in));
        this.inConv = child("in_conv", new Conv2d(in, out, 3));
        this.embProj = child("emb_proj", new Linear(embDim, 2 * out));
        this.outNorm = child("out_norm", new GroupNorm(GroupNorm.groupsFor(out), out));
        this.outConv = child("out_conv", new Conv2d(out, out, 3));
        Init.zero(outConv.weight(), outConv.bias());
        this.skip = in == out ? null : child("skip", new Conv2d(in, out, 1));
    }

    public Tensor forward(Tensor x, Tensor emb) {
        return Scopes.keepResult(() -> {
            Tensor h = inConv.forward(Ops.silu(inNorm.forward(x)));
            Tensor scaleShift = embProj.forward(Ops.silu(emb)).to(torch.ScalarType.Float);
            long c = scaleShift.size(1) / 2;
            Tensor scale = scaleShift.narrow(1, 0, c).reshape(-1, c, 1, 1);
            Tensor shift = scaleShift.narrow(1, c, c).reshape(-1, c, 1, 1);
            h = outNorm.forward(h).mul(Ops.add(scale, 1)).add(shift);
            h = outConv.forward(Ops.dropout(Ops.silu(h), dropout, isTraining()));
            Tensor residual = skip == null ? x : skip.forward(x);
            return residual.to(h.scalar_type()).add(h);
        });
    }
}
