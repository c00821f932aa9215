package dev.dalle2.cli;

import dev.dalle2.data.ShardPacker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 data pack}: converts an image-caption folder into WebDataset-style .tar shards. */
@Command(name = "pack", mixinStandardHelpOptions = true,
        description = "Pack a dataset folder (captions.jsonl + images) into shards shard-000000.tar, ...: key.png "
                + "(the image file as it is), key.txt (captions, one a line) and key.json (concept, group).")
final class DataPackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "A folder with captions.jsonl.")
    Path dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder for the shards.")
    Path out;

    @Option(names = "--shard-size", defaultValue = "" + ShardPacker.DEFAULT_SHARD_SIZE, paramLabel = "N",
            description = "Entries per shard (default: ${DEFAULT-VALUE}).")
    int shardSize;

    @Override
    public Integer call() throws Exception {
        ShardPacker.Result result = ShardPacker.pack(dataset, out, shardSize, System.err);
        spec.commandLine().getOut().printf("packed %d entries into %d shards in %s%n", result.entries(), result.shards(), out);
        return 0;
    }
}
