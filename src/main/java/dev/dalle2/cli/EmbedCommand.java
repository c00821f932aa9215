package dev.dalle2.cli;

import dev.dalle2.embed.EmbeddingCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 embed}: computes a dataset's CLIP embeddings once and caches them beside it ({@link EmbeddingCache#update}). */
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
        EmbeddingCache.Update update = EmbeddingCache.update(dataset, clip, batchSize, shardImages, System.err);
        EmbeddingCache.Manifest manifest = update.cache().manifest();
        if (update.built()) {
            spec.commandLine().getOut().printf("embedded %d images and %d captions in %.1f s into %s%n",
                    manifest.images(), manifest.captions(), update.seconds(), update.location());
        } else {
            spec.commandLine().getOut().printf("embedding cache up to date: %d images, %d captions in %s%n",
                    manifest.images(), manifest.captions(), update.location());
        }
        return 0;
    }
}
