package dev.dalle2.prior;

import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.NetworkFolder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A trained diffusion prior as it is shipped: a network folder whose {@code config.json} holds the
 * {@code prior}, {@code diffusion}, {@code sampling} and {@code bestOf} settings of its recipe.
 * The loaded network is in evaluation mode.
 */
public record PriorFolder(Path dir, DiffusionPrior net, DiffusionConfig diffusion, SamplingConfig sampling, int bestOf) {
    private record Config(PriorConfig prior, DiffusionConfig diffusion, SamplingConfig sampling, int bestOf) {}

    public static PriorFolder load(Path dir) throws IOException {
        Config c = NetworkFolder.config(dir, Config.class);
        if (c.prior() == null || c.diffusion() == null || c.sampling() == null) {
            throw new IOException(dir.resolve(NetworkFolder.CONFIG) + ": no prior, diffusion or sampling section (is this a prior folder?)");
        }
        DiffusionPrior net = new DiffusionPrior(c.prior());
        net.load(NetworkFolder.weights(dir), true);
        net.train(false);
        return new PriorFolder(dir, net, c.diffusion(), c.sampling(), Math.max(1, c.bestOf()));
    }

    /** A sampler with the folder's settings, or with {@code steps} steps when it is positive. */
    public Sampler sampler(int steps) {
        return (steps > 0 ? sampling.withSteps(steps) : sampling).build(diffusion);
    }
}
