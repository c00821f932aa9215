package dev.dalle2.train;

import dev.dalle2.nn.Module;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * Exponential moving average of a model's weights, kept in a second model of the same
 * architecture (used for sampling and shipped as the inference weights). After each optimizer step,
 * ema ← d·ema + (1 − d)·weights with d = min(decay, (1 + n)/(10 + n)) at update n, so early
 * averages are not dominated by the random initialisation.
 */
public final class Ema {
    private final List<Tensor> source;
    private final List<Tensor> target;
    private final double decay;

    /** Starts the average at the model's current weights. */
    public Ema(Module model, Module average, double decay) {
        this.source = model.parameters();
        this.target = average.parameters();
        this.decay = decay;
        if (source.size() != target.size()) {
            throw new IllegalArgumentException("the average model does not match the trained one");
        }
        average.load(model.namedParameters(), true);
        average.train(false);
        target.forEach(t -> t.set_requires_grad(false));
    }

    /** The decay used at update number {@code n} (0-based). */
    public double decayAt(long n) {
        return Math.min(decay, (1.0 + n) / (10.0 + n));
    }

    /** Moves the average towards the current weights; {@code n} counts updates from 0. */
    public void update(long n) {
        double weight = 1 - decayAt(n);
        Scopes.noGrad(() -> {
            for (int i = 0; i < source.size(); i++) {
                target.get(i).lerp_(source.get(i), dev.dalle2.nn.Ops.scalar(weight));
            }
            return null;
        });
    }
}
