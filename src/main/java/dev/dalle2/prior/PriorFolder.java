package dev.dalle2.prior;

import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.Checks;
import dev.dalle2.io.NetworkFolder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A trained diffusion prior as it is shipped: a network folder whose {@code config.json} holds the
 * {@code prior}, {@code diffusion}, {@code sampling} and {@code bestOf} settings of its recipe.
 * The loaded network is in evaluation mode.
 */
public record PriorFolder(Path dir, DiffusionPrior net, DiffusionConfig diffusion, SamplingConfig sampling, int bestOf) {
    private record Config(PriorConfig prior, DiffusionConfig diffusion, SamplingConfig sampling, int bestOf) {
        Config {
            Checks.present("prior", prior);
            Checks.present("diffusion", diffusion);
            Checks.present("sampling", sampling);
        }
    }

    /** Loads a prior; a folder of another network, or weights that do not fit, is a one-line error. */
    public static PriorFolder load(Path dir) throws IOException {
        Config c = NetworkFolder.config(dir, Config.class, "prior");
        DiffusionPrior net = new DiffusionPrior(c.prior());
        NetworkFolder.load(dir, net);
        net.train(false);
        return new PriorFolder(dir, net, c.diffusion(), c.sampling(), Math.max(1, c.bestOf()));
    }

    /** A sampler with the folder's settings, or with {@code steps} steps when it is positive. */
    public Sampler sampler(int steps) {
        return sampler(steps, null);
    }

    /** A sampler with the folder's settings, with {@code steps} steps when positive and the sampler {@code name} when not null. */
    public Sampler sampler(int steps, String name) {
        SamplingConfig s = steps > 0 ? sampling.withSteps(steps) : sampling;
        return (name == null ? s : s.withSampler(name)).build(diffusion);
    }
}
