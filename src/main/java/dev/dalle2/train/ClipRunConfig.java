package dev.dalle2.train;

import dev.dalle2.clip.ClipConfig;
import dev.dalle2.data.ImageAugmentation;
import dev.dalle2.io.Checks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A training recipe for CLIP, read from YAML ({@code configs/clip-*.yaml}) and written beside the
 * trained model as {@code config.json}.
 *
 * @param kind     always {@code clip}
 * @param seed     fixes initialisation, data order and caption choice
 * @param data     what to train on
 * @param clip     the architecture; {@code vocabSize} and {@code endToken} may be left out (0), to be
 *                 taken from the tokenizer, and otherwise must match it
 * @param training the optimisation recipe; its {@code condDropProb} must be 0 or left out, for CLIP has no
 *                 condition to drop
 * @param out      the run folder: checkpoint, logs, previews and the exported model
 */
public record ClipRunConfig(String kind, long seed, Data data, ClipConfig clip, TrainingConfig training, String out) {
    /**
     * @param dataset      a caption dataset: a folder with {@code captions.jsonl} or {@code .tar} shards
     * @param tokenizer    the BPE merge file (see {@code dalle2 train tokenizer}); copied into the model
     * @param validation   which entries are held out: {@code fraction:F} or {@code group:NAME}
     * @param augmentation random changes to each training image; none when left out
     */
    public record Data(String dataset, String tokenizer, String validation, ImageAugmentation augmentation) {
        /** Checks that dataset, tokenizer and a valid validation split are given; no augmentation when absent. */
        public Data {
            Checks.present("dataset", dataset);
            Checks.present("tokenizer", tokenizer);
            Recipes.checkSplit("validation", validation);
            augmentation = augmentation == null ? ImageAugmentation.NONE : augmentation;
        }
    }

    /** Checks the kind, that every part is given, and that the training recipe drops no condition. */
    public ClipRunConfig {
        Checks.oneOf("kind", kind, List.of("clip"));
        Checks.present("data", data);
        Checks.present("clip", clip);
        Checks.present("training", training);
        Checks.require(training.condDropProb() == 0, "training.condDropProb",
                "0 or left out (CLIP has no condition to drop)", training.condDropProb());
        Checks.present("out", out);
    }

    /** Reads a YAML (or JSON) recipe; a missing file or a bad field gives a one-line message naming the file. */
    public static ClipRunConfig load(Path file) throws IOException {
        return Recipes.load(file, ClipRunConfig.class);
    }

    /** This recipe with another run folder. */
    public ClipRunConfig withOut(String newOut) {
        return new ClipRunConfig(kind, seed, data, clip, training, newOut);
    }

    /** This recipe with another architecture (e.g. with the tokenizer's vocabulary size filled in). */
    public ClipRunConfig withClip(ClipConfig newClip) {
        return new ClipRunConfig(kind, seed, data, newClip, training, out);
    }
}
