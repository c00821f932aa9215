package dev.dalle2.nn;

import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Multi-head scaled dot-product attention (libtorch's fused kernel), for self- and cross-attention.
 *
 * <p>Queries come from x [B, N, dim]. Keys and values come from x itself (self-attention) or from
 * a context [B, M, contextDim] (cross-attention). Optionally, extra context tokens [B, E, extraDim]
 * are projected by their own key/value layers and appended to the keys and values, so every query
 * also attends to them (GLIDE's and unCLIP's conditioning tokens). A causal mask (self-attention
 * only, no extra tokens) lets position i attend to positions ≤ i. Output [B, N, dim]. Outside
 * autocast, and for causal attention, the attention is libtorch's fused kernel in fp32; inside CPU
 * bf16 autocast it is two bf16 matmuls around a softmax (the projections follow autocast).
 *
 * <p>Parameters follow Hugging Face's CLIP names: {@code q_proj, k_proj, v_proj, out_proj}, plus
 * {@code extra_k_proj, extra_v_proj} when extra tokens are configured.
 */
public final class MultiHeadAttention extends Module {
    private final long heads;
    private final boolean causal;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    private final Linear extraKProj;
    private final Linear extraVProj;

    /** Self-attention over [B, N, dim]. */
    public MultiHeadAttention(long dim, long heads, boolean causal) {
        this(dim, heads, 0, 0, causal);
    }

    /**
     * @param contextDim width of cross-attention context tokens, or 0 for self-attention
     * @param extraDim   width of extra context tokens appended to the keys, or 0 for none
     */
    public MultiHeadAttention(long dim, long heads, long contextDim, long extraDim, boolean causal) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("width " + dim + " does not split into " + heads + " heads");
        }
        if (causal && (contextDim > 0 || extraDim > 0)) {
            throw new IllegalArgumentException("a causal mask needs plain self-attention");
        }
        this.heads = heads;
        this.causal = causal;
        long kvDim = contextDim > 0 ? contextDim : dim;
        this.qProj = child("q_proj", new Linear(dim, dim));
        this.kProj = child("k_proj", new Linear(kvDim, dim));
        this.vProj = child("v_proj", new Linear(kvDim, dim));
        this.outProj = child("out_proj", new Linear(dim, dim));
        this.extraKProj = extraDim > 0 ? child("extra_k_proj", new Linear(extraDim, dim)) : null;
        this.extraVProj = extraDim > 0 ? child("extra_v_proj", new Linear(extraDim, dim)) : null;
    }

    /** Self-attention: x [B, N, dim] → [B, N, dim]. */
    public Tensor forward(Tensor x) {
        return forward(x, null, null);
    }

    /**
     * @param context cross-attention tokens [B, M, contextDim], or null for self-attention
     * @param extra   extra tokens [B, E, extraDim] appended to the keys and values, or null
     */
    public Tensor forward(Tensor x, Tensor context, Tensor extra) {
        Tensor kvSource = context == null ? x : context;
        Tensor k = kProj.forward(kvSource);
        Tensor v = vProj.forward(kvSource);
        if (extra != null) {
            if (extraKProj == null) {
                throw new IllegalArgumentException("this attention layer was built without extra tokens");
            }
            k = Ops.cat(1, k, extraKProj.forward(extra).to(k.scalar_type()));
            v = Ops.cat(1, v, extraVProj.forward(extra).to(v.scalar_type()));
        }
        Tensor q = splitHeads(qProj.forward(x));
        Tensor out = Autocast.active() && !causal && Engine.device().is_cpu()
                ? bf16Attention(q, splitHeads(k), splitHeads(v))
                : fp32Attention(q, splitHeads(k), splitHeads(v));
        long b = x.size(0);
        long n = x.size(1);
        return outProj.forward(out.transpose(1, 2).reshape(b, n, -1));
    }

    /**
     * The fused kernel in fp32. libtorch 2.10's fused bf16 CPU kernel is an order of magnitude slower
     * (289 ms against 26 ms, forward + backward, 32 × 2 heads × 256 tokens × 64), so under autocast
     * the inputs are cast up.
     */
    private Tensor fp32Attention(Tensor q, Tensor k, Tensor v) {
        try (Autocast fp32 = Autocast.bf16(false)) {
            return torch.scaled_dot_product_attention(float32(q), float32(k), float32(v), new TensorOptional(), 0.0,
                    causal, new DoubleOptional(), false);
        }
    }

    /**
     * Attention written out inside CPU autocast: q·kᵀ and weights·v are bf16 matmuls, the softmax
     * follows autocast's rules, as the PyTorch reference computes it. Faster than {@link #fp32Attention}
     * at the U-Net's widths and within bf16 precision of it (BENCHMARKS.md, AttentionTest).
     */
    private static Tensor bf16Attention(Tensor q, Tensor k, Tensor v) {
        Tensor scores = Ops.mul(q.matmul(k.transpose(-2, -1)), 1 / Math.sqrt(q.size(-1)));
        return torch.softmax(scores, -1).matmul(v);
    }

    private static Tensor float32(Tensor t) {
        return t.to(torch.ScalarType.Float);
    }

    /** [B, L, dim] → [B, heads, L, dim/heads]. */
    private Tensor splitHeads(Tensor t) {
        return t.reshape(t.size(0), t.size(1), heads, -1).transpose(1, 2);
    }
}
