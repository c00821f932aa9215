package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A lookup table of learned vectors, like PyTorch's {@code nn.Embedding}: ids int64 [...] →
 * float32 [..., dim]. Parameter {@code weight} [count, dim], drawn from N(0, std²).
 */
public final class Embedding extends Module {
    private final Tensor weight;

    public Embedding(long count, long dim, double std) {
        this.weight = parameter("weight", Init.normal(std, count, dim));
    }

    public Tensor forward(Tensor ids) {
        return torch.embedding(weight, ids);
    }

    /** The table [count, dim]; {@code weight().narrow(0, 0, n)} gives the first n rows (positions 0..n-1). */
    public Tensor weight() {
        return weight;
    }
}
