package dev.dalle2.train;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.nn.Engine;
import dev.dalle2.tokenizer.BpeTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs a {@link ClipRunConfig}: loads the dataset and its training split into memory, builds CLIP
 * and its EMA copy from the seed, trains with the {@link Trainer}, and exports a CLIP folder
 * (EMA weights, {@code config.json}, the tokenizer's merges) in the run folder.
 */
public final class ClipTraining {
    /** Held-out pairs shown in each preview. */
    private static final int PREVIEW = 8;

    private ClipTraining() {}

    public static Trainer.Result run(ClipRunConfig config, boolean resume, long stopAfter)
            throws IOException, InterruptedException {
        Path runDir = Path.of(config.out());
        Checkpoint.requireForResume(runDir, resume);
        Path mergesFile = Path.of(config.data().tokenizer());
        BpeTokenizer tokenizer = BpeTokenizer.load(mergesFile);
        if (config.clip().vocabularyUnset()) {
            config = config.withClip(config.clip().withVocabulary(tokenizer.vocabSize(), tokenizer.endToken()));
        }
        CaptionDataset data = CaptionDataset.load(Path.of(config.data().dataset()), config.clip().imageSize());
        Split split = Split.parse(config.data().validation());
        int[] train = data.indices(split, false);
        int[] held = data.indices(split, true);
        int[] pool = held.length >= 2 ? held : train;
        int[] preview = Arrays.copyOf(pool, Math.min(PREVIEW, pool.length));
        Engine.seed(config.seed());
        ClipModel model = new ClipModel(config.clip());
        ClipModel average = new ClipModel(config.clip());
        TrainingTask task = new ClipTask(model, average, data, train, preview, held, tokenizer,
                config.data().augmentation());
        System.err.printf("clip: %,d parameters, %,d training and %,d held-out images, %s%n", model.parameterCount(),
                train.length, held.length, config.training().bf16() ? "bf16 autocast" : "fp32");
        Trainer.Result result = new Trainer(task, config.training(), config.seed(), runDir).run(resume, stopAfter);
        NetworkFolder.write(runDir, config, average.namedParameters(),
                Map.of("kind", "clip", "step", Long.toString(result.steps()), "weights", "ema"));
        byte[] merges = Files.readAllBytes(mergesFile);
        AtomicFiles.write(runDir.resolve(ClipFolder.mergesName(mergesFile)), out -> out.write(merges));
        return result;
    }
}
