package dev.dalle2.clip;

import dev.dalle2.io.Checks;
import dev.dalle2.io.Checksums;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.tokenizer.BpeTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A trained CLIP as it is shipped: a network folder ({@code config.json} with a {@code clip}
 * section, {@code weights.safetensors}) plus its tokenizer's merge list ({@code merges.txt} or
 * {@code merges.txt.gz}). The {@link #fingerprint()} (SHA-256 of the weights and the merges)
 * identifies the embeddings this model makes, so caches made by another model are refused.
 */
public record ClipFolder(Path dir, ClipModel model, BpeTokenizer tokenizer, String fingerprint) {
    /** The merge file names a CLIP folder may hold, in order of preference. */
    public static final List<String> MERGES = List.of("merges.txt", "merges.txt.gz");

    private record Config(ClipConfig clip) {
        Config {
            Checks.present("clip", clip);
        }
    }

    /** Loads the model in evaluation mode; a missing or mismatched part, or another network's folder, is a one-line error. */
    public static ClipFolder load(Path dir) throws IOException {
        ClipConfig config = NetworkFolder.config(dir, Config.class, "clip").clip();
        Path merges = merges(dir);
        BpeTokenizer tokenizer = BpeTokenizer.load(merges);
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new IOException(merges + ": " + tokenizer.vocabSize() + " tokens but the model has vocabSize "
                    + config.vocabSize());
        }
        ClipModel model = new ClipModel(config);
        NetworkFolder.load(dir, model);
        model.train(false);
        return new ClipFolder(dir, model, tokenizer, fingerprint(dir));
    }

    /** The folder's merge file; an error when it has none. */
    public static Path merges(Path dir) throws IOException {
        for (String name : MERGES) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new NoSuchFileException(dir.resolve(MERGES.get(0)).toString(), null, "incomplete model folder: missing merges.txt");
    }

    /** The merge file name a model folder uses for {@code source} (keeps gzip compression). */
    public static String mergesName(Path source) {
        return source.getFileName().toString().endsWith(".gz") ? MERGES.get(1) : MERGES.get(0);
    }

    /** SHA-256 (hex) of the folder's weights and merges: what makes its embeddings what they are. */
    public static String fingerprint(Path dir) throws IOException {
        return Checksums.sha256(NetworkFolder.require(dir, NetworkFolder.WEIGHTS), merges(dir));
    }
}
