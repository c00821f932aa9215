package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * Self-attention over the pixels of a feature map, as in ADM's AttentionBlock: x + attn(GN(x)),
 * where every pixel is a token of width C and may also attend to extra conditioning tokens
 * (GLIDE and unCLIP). Input x [B, C, H, W] and optional tokens [B, E, extraDim]; output
 * [B, C, H, W]. The output projection starts at zero, so the block starts as the identity.
 * Parameters {@code norm.*} and {@code attn.*}.
 */
public final class SpatialAttention extends Module {
    private final GroupNorm norm;
    private final MultiHeadAttention attention;

    public SpatialAttention(long channels, long heads, long extraDim) {
        this.norm = child("norm", new GroupNorm(GroupNorm.groupsFor(channels), channels));
        this.attention = child("attn", new MultiHeadAttention(channels, heads, 0, extraDim, false));
        var out = attention.namedParameters();
        Init.zero(out.get("out_proj.weight"), out.get("out_proj.bias"));
    }

    public Tensor forward(Tensor x, Tensor extraTokens) {
        return Scopes.keepResult(() -> {
            long b = x.size(0);
            long c = x.size(1);
            long h = x.size(2);
            long w = x.size(3);
            Tensor tokens = norm.forward(x).reshape(b, c, h * w).transpose(1, 2);
            Tensor attended = attention.forward(tokens, null, extraTokens);
            return x.add(attended.transpose(1, 2).reshape(b, c, h, w).to(x.scalar_type()));
        });
    }
}
