package dev.dalle2.train;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.prior.DiffusionPrior;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs a {@link PriorRunConfig}: opens the dataset's embedding cache for the recipe's CLIP model
 * (refusing a stale one), keeps the caption variants of training images, builds the prior from the
 * seed (or from the recipe's {@code init} prior), trains it with the {@link Trainer}, and exports
 * the EMA prior as a network folder in the run folder; the steps they share with the other networks
 * are {@link TrainingRun}'s.
 */
public final class PriorTraining {
    /** Side of the images in previews (the prior itself reads no pixels). */
    private static final int PREVIEW_SIZE = 32;

    private PriorTraining() {}

    public static Trainer.Result run(PriorRunConfig config, boolean resume, long stopAfter)
            throws IOException, InterruptedException {
        TrainingRun run = TrainingRun.open("prior", config.out(), config.seed(), config.training(), resume);
        Path dataset = Path.of(config.data().dataset());
        EmbeddingCache cache = EmbeddingCache.open(dataset, ClipFolder.fingerprint(Path.of(config.data().clip())));
        CaptionDataset data = CaptionDataset.load(dataset, PREVIEW_SIZE);
        Split split = Split.parse(config.data().validation());
        long[] train = cache.rows(data, split, false);
        long[] validation = cache.rows(data, split, true);
        long[] preview = TrainingRun.preview(validation, train);
        TrainingRun.Networks<DiffusionPrior> nets = run.networks(() -> new DiffusionPrior(config.prior()), config.init());
        TrainingTask task = new PriorTask(nets.model(), nets.average(), cache, data, train, preview, config);
        return run.train(task, "%,d training and %,d held-out captions".formatted(train.length, validation.length),
                config, stopAfter);
    }
}
