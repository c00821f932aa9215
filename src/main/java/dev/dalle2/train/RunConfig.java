package dev.dalle2.train;

import dev.dalle2.decoder.UNetConfig;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.Checks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A training recipe for a diffusion U-Net (decoder or upsampler), read from YAML
 * ({@code configs/*.yaml}): what to train, on which data, and how. Written beside the exported
 * weights as {@code config.json}, so a trained network folder says how it was made.
 *
 * @param kind      {@code decoder} or {@code upsampler}
 * @param seed      fixes initialisation, data order, noise and augmentation
 * @param data      the dataset folder (relative paths resolve against the working directory)
 * @param unet      the network's architecture
 * @param diffusion the training-time diffusion process
 * @param training  the optimisation recipe
 * @param sampling  how sample grids (and, by default, users) sample from the network
 * @param out       the run folder: checkpoint, logs, samples and the exported network
 * @param init      a trained network folder of the same architecture whose weights start the model
 *                  and its EMA copy (fine-tuning, with a fresh optimiser and schedule); null to
 *                  start from the seed's initialisation. A resumed run ignores it.
 */
public record RunConfig(String kind, long seed, DataConfig data, UNetConfig unet, DiffusionConfig diffusion,
                        TrainingConfig training, SamplingConfig sampling, String out, String init) {
    /**
     * @param dataset      dataset folder with {@code captions.jsonl}
     * @param conditioning what the decoder is conditioned on: {@code clip} (CLIP image embeddings
     *                     from the dataset's embedding cache), {@code attributes} (the shapes
     *                     dataset's attribute vectors, parsed from the captions) or {@code none} (an upsampler)
     * @param clip         the CLIP model folder whose embedding cache {@code clip} conditioning reads
     */
    public record DataConfig(String dataset, String conditioning, String clip) {
        /** Checks that the dataset is given, the conditioning is known, and clip conditioning names its CLIP folder. */
        public DataConfig {
            Checks.present("dataset", dataset);
            Checks.oneOf("conditioning", conditioning, List.of("clip", "attributes", "none"));
            if (conditioning.equals("clip")) {
                Checks.present("clip", clip);
            }
        }
    }

    /** Checks the kind and that every part but {@code init} is given. */
    public RunConfig {
        Checks.oneOf("kind", kind, List.of("decoder", "upsampler"));
        Checks.present("data", data);
        Checks.present("unet", unet);
        Checks.present("diffusion", diffusion);
        Checks.present("training", training);
        Checks.present("sampling", sampling);
        Checks.present("out", out);
    }

    /** Reads a YAML (or JSON) recipe; a missing file or a bad field gives a one-line message naming the file. */
    public static RunConfig load(Path file) throws IOException {
        return Recipes.load(file, RunConfig.class);
    }

    public RunConfig withOut(String newOut) {
        return new RunConfig(kind, seed, data, unet, diffusion, training, sampling, newOut, init);
    }

}
