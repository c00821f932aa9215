package dev.dalle2.cli;

import dev.dalle2.data.emoji.EmojiDatasetBuilder;
import dev.dalle2.data.emoji.NpmPackages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 data emoji}: fetches the Noto, Twemoji, OpenMoji and Fluent Emoji npm packages and writes the emoji dataset. */
@Command(name = "emoji", mixinStandardHelpOptions = true,
        description = "Fetch emoji-datasource-google, emoji-datasource-twitter, openmoji and fluentui-emoji with npm "
                + "(once, into the cache) and write the emoji dataset: images/<group>/*.png, captions.jsonl, LICENSES.md, README.md.")
final class DataEmojiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new or empty folder.")
    Path out;

    @Option(names = "--size", defaultValue = "" + EmojiDatasetBuilder.DEFAULT_SIZE, paramLabel = "S",
            description = "Image side in pixels, 8 to 1024 (default: ${DEFAULT-VALUE}; the Noto and Twemoji PNGs are 64).")
    int size;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Where the npm packages are kept (default: ~/.cache/dalle2/npm).")
    Path cache;

    @Override
    public Integer call() throws Exception {
        EmojiDatasetBuilder.Packages packages = EmojiDatasetBuilder.Packages.fetch(
                cache == null ? NpmPackages.defaultCache() : cache, System.err);
        EmojiDatasetBuilder.Result result = EmojiDatasetBuilder.build(packages, out, size, System.err);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%-12s %8s %9s%n", "group", "images", "concepts");
        for (EmojiDatasetBuilder.Count c : result.groups()) {
            o.printf("%-12s %8d %9d%n", c.group(), c.images(), c.concepts());
        }
        o.printf("%-12s %8d %9d%n", "total", result.total().images(), result.total().concepts());
        o.printf("wrote %dx%d images to %s%n", size, size, out);
        return 0;
    }
}
