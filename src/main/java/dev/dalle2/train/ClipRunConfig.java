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
 * @param training the optimisation recipe ({@code condDropProb} is unused)
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

    /** Checks the kind and that every part is given. */
    public ClipRunConfig {
        Checks.oneOf("kind", kind, List.of("clip"));
        Checks.present("data", data);
        Checks.present("clip", clip);
        Checks.present("training", training);
        Checks.present("out", out);
    }

    public static ClipRunConfig load(Path file) throws IOException {
        return Recipes.load(file, ClipRunConfig.class);
    }

    public ClipRunConfig withOut(String newOut) {
        return new ClipRunConfig(kind, seed, data, clip, training, newOut);
    }

    public ClipRunConfig withClip(ClipConfig newClip) {
        return new ClipRunConfig(kind, seed, data, newClip, training, out);
    }
}
