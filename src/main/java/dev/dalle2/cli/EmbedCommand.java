package dev.dalle2.cli;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.embed.EmbeddingCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 embed}: computes a dataset's CLIP embeddings once and caches them beside it. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Compute and cache a dataset's CLIP image and text embeddings (skipped when the cache is up to date).")
final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "A caption dataset (folder or .tar shards).")
    Path dataset;

    @Option(names = "--clip", required = true, paramLabel = "DIR", description = "A CLIP model folder.")
    Path clip;

    @Option(names = "--batch-size", defaultValue = "256", description = "Images per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--shard-images", defaultValue = "4096", description = "Images per cache shard (default: ${DEFAULT-VALUE}).")
    int shardImages;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || shardImages < 1) {
            throw new IllegalArgumentException("--batch-size and --shard-images must be at least 1");
        }
        String fingerprint = ClipFolder.fingerprint(clip);
        Path where = EmbeddingCache.location(dataset, fingerprint);
        if (EmbeddingCache.exists(dataset, fingerprint)) {
            try {
                EmbeddingCache cache = EmbeddingCache.open(dataset, fingerprint);
                spec.commandLine().getOut().printf("embedding cache up to date: %d images, %d captions in %s%n",
                        cache.manifest().images(), cache.manifest().captions(), where);
                return 0;
            } catch (IOException e) {
                System.err.println("rebuilding the embedding cache: " + e.getMessage());
            }
        }
        ClipFolder model = ClipFolder.load(clip);
        CaptionDataset data = CaptionDataset.load(dataset, model.model().config().imageSize());
        long start = System.nanoTime();
        EmbeddingCache cache = EmbeddingCache.build(dataset, data, model, batchSize, shardImages);
        spec.commandLine().getOut().printf("embedded %d images and %d captions in %.1f s into %s%n",
                cache.manifest().images(), cache.manifest().captions(), (System.nanoTime() - start) / 1e9, where);
        return 0;
    }
}
