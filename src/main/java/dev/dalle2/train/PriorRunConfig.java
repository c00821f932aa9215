package dev.dalle2.train;

import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.Checks;
import dev.dalle2.prior.PriorConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A training recipe for the diffusion prior, read from YAML ({@code configs/prior-*.yaml}) and
 * written beside the trained prior as {@code config.json}. The prior trains on a dataset's
 * embedding cache only ({@code dalle2 embed} makes it).
 *
 * @param kind      always {@code prior}
 * @param seed      fixes initialisation, data order and noise
 * @param data      the dataset, the CLIP model whose cache to read, and the held-out split
 * @param prior     the architecture ({@code embedDim}, {@code textWidth}, {@code contextLength} must match CLIP)
 * @param diffusion the training-time diffusion (x₀ prediction, cosine, 1000 steps in the paper)
 * @param sampling  how previews (and, by default, users) sample embeddings
 * @param bestOf    candidates drawn per caption when sampling, of which the one closest to the text embedding is kept
 * @param training  the optimisation recipe ({@code condDropProb} is the text-drop probability)
 * @param out       the run folder
 * @param init      a trained prior folder of the same architecture whose weights start the model and
 *                  its EMA copy (training on, with a fresh optimiser and schedule); null to start from
 *                  the seed's initialisation. A resumed run ignores it.
 */
public record PriorRunConfig(String kind, long seed, Data data, PriorConfig prior, DiffusionConfig diffusion,
                             SamplingConfig sampling, int bestOf, TrainingConfig training, String out, String init) {
    /**
     * @param dataset    the caption dataset whose embedding cache the prior reads
     * @param clip       the CLIP model folder that made the cache
     * @param validation held-out entries: {@code fraction:F} or {@code group:NAME}
     */
    public record Data(String dataset, String clip, String validation) {
        /** Checks that dataset, CLIP folder and a valid validation split are given. */
        public Data {
            Checks.present("dataset", dataset);
            Checks.present("clip", clip);
            Recipes.checkSplit("validation", validation);
        }
    }

    /** Checks the kind, that every part but {@code init} is given, and {@code bestOf >= 1}. */
    public PriorRunConfig {
        Checks.oneOf("kind", kind, List.of("prior"));
        Checks.present("data", data);
        Checks.present("prior", prior);
        Checks.present("diffusion", diffusion);
        Checks.present("sampling", sampling);
        Checks.present("training", training);
        Checks.present("out", out);
        Checks.atLeast("bestOf", bestOf, 1);
    }

    public static PriorRunConfig load(Path file) throws IOException {
        return Recipes.load(file, PriorRunConfig.class);
    }

    public PriorRunConfig withOut(String newOut) {
        return new PriorRunConfig(kind, seed, data, prior, diffusion, sampling, bestOf, training, newOut, init);
    }
}
