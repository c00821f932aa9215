package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * Pre-norm transformer block as in CLIP: x + attn(LN(x)), then x + MLP(LN(x)) with
 * MLP = fc2(act(fc1(·))) of hidden width mlpRatio·dim. Input and output [B, N, dim].
 * Parameter names follow Hugging Face's CLIP encoder layers:
 * {@code layer_norm1, self_attn.{q,k,v,out}_proj, layer_norm2, mlp.fc1, mlp.fc2}.
 */
public final class TransformerBlock extends Module {
    private final double dropout;
    private final Activation activation;
    private final LayerNorm norm1;
    private final MultiHeadAttention attention;
    private final LayerNorm norm2;
    private final Mlp mlp;

    public TransformerBlock(long dim, long heads, long mlpRatio, boolean causal, Activation activation, double dropout) {
        this.dropout = dropout;
        this.activation = activation;
        this.norm1 = child("layer_norm1", new LayerNorm(dim));
        this.attention = child("self_attn", new MultiHeadAttention(dim, heads, causal));
        this.norm2 = child("layer_norm2", new LayerNorm(dim));
        this.mlp = child("mlp", new Mlp(dim, mlpRatio * dim));
    }

    public Tensor forward(Tensor x) {
        return Scopes.keepResult(() -> {
            Tensor h = x.add(Ops.dropout(attention.forward(norm1.forward(x)), dropout, isTraining()));
            Tensor m = mlp.fc2.forward(activation.apply(mlp.fc1.forward(norm2.forward(h))));
            return h.add(Ops.dropout(m, dropout, isTraining()));
        });
    }

    /** The two linear layers of the feed-forward part; the activation lives in the block. */
    private static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;

        Mlp(long dim, long hidden) {
            fc1 = child("fc1", new Linear(dim, hidden));
            fc2 = child("fc2", new Linear(hidden, dim));
        }
    }
}
