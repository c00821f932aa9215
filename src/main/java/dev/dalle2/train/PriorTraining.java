package dev.dalle2.train;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.nn.Engine;
import dev.dalle2.prior.DiffusionPrior;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs a {@link PriorRunConfig}: opens the dataset's embedding cache for the recipe's CLIP model
 * (refusing a stale one), keeps the caption variants of training images, builds the prior from the
 * seed (or from the recipe's {@code init} prior), trains it with the {@link Trainer}, and exports
 * the EMA prior as a network folder in the run folder.
 */
public final class PriorTraining {
    private static final int PREVIEW = 8;
    /** Side of the images in previews (the prior itself reads no pixels). */
    private static final int PREVIEW_SIZE = 32;

    private PriorTraining() {}

    public static Trainer.Result run(PriorRunConfig config, boolean resume, long stopAfter)
            throws IOException, InterruptedException {
        Path runDir = Path.of(config.out());
        Checkpoint.requireForResume(runDir, resume);
        Path dataset = Path.of(config.data().dataset());
        EmbeddingCache cache = EmbeddingCache.open(dataset, ClipFolder.fingerprint(Path.of(config.data().clip())));
        CaptionDataset data = CaptionDataset.load(dataset, PREVIEW_SIZE);
        Split split = Split.parse(config.data().validation());
        long[] train = cache.rows(data, split, false);
        long[] validation = cache.rows(data, split, true);
        long[] pool = validation.length >= 2 ? validation : train;
        long[] preview = Arrays.copyOf(pool, Math.min(PREVIEW, pool.length));
        Engine.seed(config.seed());
        DiffusionPrior model = new DiffusionPrior(config.prior());
        DiffusionPrior average = new DiffusionPrior(config.prior());
        Checkpoint.startFrom(config.init(), resume, model, "prior");
        TrainingTask task = new PriorTask(model, average, cache, data, train, preview, config);
        System.err.printf("prior: %,d parameters, %,d training and %,d held-out captions, %s%n", model.parameterCount(),
                train.length, validation.length, config.training().bf16() ? "bf16 autocast" : "fp32");
        Trainer.Result result = new Trainer(task, config.training(), config.seed(), runDir).run(resume, stopAfter);
        NetworkFolder.write(runDir, config, average.namedParameters(),
                Map.of("kind", "prior", "step", Long.toString(result.steps()), "weights", "ema"));
        return result;
    }
}
