package dev.dalle2.train;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.tokenizer.BpeTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a {@link ClipRunConfig}: loads the dataset and its training split into memory, builds CLIP
 * and its EMA copy from the seed, trains with the {@link Trainer}, and exports a CLIP folder
 * (EMA weights, {@code config.json}, the tokenizer's merges) in the run folder; the steps they share
 * with the other networks are {@link TrainingRun}'s.
 */
public final class ClipTraining {
    private ClipTraining() {}

    public static Trainer.Result run(ClipRunConfig config, boolean resume, long stopAfter)
            throws IOException, InterruptedException {
        TrainingRun run = TrainingRun.open("clip", config.out(), config.seed(), config.training(), resume);
        Path mergesFile = Path.of(config.data().tokenizer());
        BpeTokenizer tokenizer = BpeTokenizer.load(mergesFile);
        ClipRunConfig recipe = config.clip().vocabularyUnset()
                ? config.withClip(config.clip().withVocabulary(tokenizer.vocabSize(), tokenizer.endToken()))
                : config;
        CaptionDataset data = CaptionDataset.load(Path.of(recipe.data().dataset()), recipe.clip().imageSize());
        Split split = Split.parse(recipe.data().validation());
        int[] train = data.indices(split, false);
        int[] held = data.indices(split, true);
        int[] preview = TrainingRun.preview(held, train);
        TrainingRun.Networks<ClipModel> nets = run.networks(() -> new ClipModel(recipe.clip()), null);
        TrainingTask task = new ClipTask(nets.model(), nets.average(), data, train, preview, held, tokenizer,
                recipe.data().augmentation());
        Trainer.Result result = run.train(task,
                "%,d training and %,d held-out images".formatted(train.length, held.length), recipe, stopAfter);
        byte[] merges = Files.readAllBytes(mergesFile);
        AtomicFiles.write(run.dir().resolve(ClipFolder.mergesName(mergesFile)), out -> out.write(merges));
        return result;
    }
}
