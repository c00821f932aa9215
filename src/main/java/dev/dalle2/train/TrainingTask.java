package dev.dalle2.train;

import dev.dalle2.nn.Module;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;
import java.util.Random;

/**
 * What the {@link Trainer} needs to know about one network: its model and EMA copy, how to
 * assemble a batch (on a background thread, into Java memory), the loss of a batch, and a
 * picture to watch it learn.
 */
public interface TrainingTask {
    /** The trained model. */
    Module model();

    /** A second model of the same architecture that holds the EMA weights. */
    Module average();

    /** Number of training examples. */
    int size();

    /** Assembles the examples at {@code indices}; {@code random} draws augmentations. Runs off the training thread. */
    HostBatch load(int[] indices, Random random);

    /** The loss of a batch, as a scalar tensor with the model's graph; {@code g} draws noise and timesteps. */
    Tensor loss(HostBatch batch, Generator g);

    /**
     * A picture of what the EMA model has learnt, [3, H, W] in [-1, 1] (a grid of samples, a
     * similarity matrix, …); the trainer writes it as {@code samples/step-NNNNNN.png}.
     */
    Tensor preview(Generator g);

    /**
     * Held-out metrics of the EMA model (name → value), measured with each preview and logged
     * with that step's metrics; none by default.
     */
    default Map<String, Double> validate() {
        return Map.of();
    }
}
