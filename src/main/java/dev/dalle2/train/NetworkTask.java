package dev.dalle2.train;

import dev.dalle2.nn.Module;

/** What every training task holds: the trained network and its EMA copy, of one architecture {@code M}. */
abstract class NetworkTask<M extends Module> implements TrainingTask {
    protected final M model;
    protected final M average;

    NetworkTask(M model, M average) {
        this.model = model;
        this.average = average;
    }

    @Override
    public final Module model() {
        return model;
    }

    @Override
    public final Module average() {
        return average;
    }
}
