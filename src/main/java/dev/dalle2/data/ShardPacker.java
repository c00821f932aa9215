package dev.dalle2.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Folders;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Packs an image-caption dataset into WebDataset-style shards {@code shard-000000.tar}, … of N
 * entries each: {@code key.png} (the image file's bytes, not re-encoded), {@code key.txt} (the
 * captions, one a line, the primary first) and, when the entry has a concept or a group,
 * {@code key.json}. Keys are those {@link CaptionSource} gives, so a split by fraction puts the same
 * entries on the same side in both forms. Each shard is written atomically; the source folder's
 * Markdown files (README, licences and attributions) are copied beside the shards.
 */
public final class ShardPacker {
    public static final int DEFAULT_SHARD_SIZE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ShardPacker() {}

    /** What a pack wrote. */
    public record Result(int entries, int shards, int skipped) {}

    /**
     * Packs {@code source} (a dataset folder, shard or folder of shards) into {@code out}, which must be
     * new or empty, with a progress bar and a warning line for skipped entries on {@code log}.
     */
    public static Result pack(Path source, Path out, int shardSize, PrintStream log) throws IOException {
        if (shardSize < 1) {
            throw new IllegalArgumentException("the shard size must be at least 1, got " + shardSize);
        }
        Folders.requireNewOrEmpty(out);
        Skips skips = new Skips();
        List<CaptionSource.Raw> pending = new ArrayList<>();
        int[] counts = new int[2]; // entries, shards
        CaptionSource.read(source, "pack " + source.getFileName(), log, skips, raw -> {
            pending.add(raw);
            if (pending.size() == shardSize) {
                writeShard(out, counts, pending);
            }
        });
        if (!pending.isEmpty()) {
            writeShard(out, counts, pending);
        }
        skips.report(counts[0], log);
        if (counts[0] == 0) {
            throw new IOException(source + ": no usable entries to pack");
        }
        copyMarkdown(source, out);
        return new Result(counts[0], counts[1], skips.total());
    }

    /** The name of shard {@code index}. */
    public static String shardName(int index) {
        return String.format(Locale.ROOT, "shard-%06d%s", index, CaptionSource.SHARD_SUFFIX);
    }

    private static void writeShard(Path out, int[] counts, List<CaptionSource.Raw> entries) throws IOException {
        AtomicFiles.write(out.resolve(shardName(counts[1])), stream -> {
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(stream)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (CaptionSource.Raw raw : entries) {
                    put(tar, raw.key() + "." + raw.imageType(), raw.image());
                    put(tar, raw.key() + ".txt", (String.join("\n", raw.captions()) + "\n").getBytes(StandardCharsets.UTF_8));
                    if (raw.concept() != null || raw.group() != null) {
                        ObjectNode meta = JSON.createObjectNode();
                        if (raw.concept() != null) {
                            meta.put("concept", raw.concept());
                        }
                        if (raw.group() != null) {
                            meta.put("group", raw.group());
                        }
                        put(tar, raw.key() + ".json", JSON.writeValueAsBytes(meta));
                    }
                }
                tar.finish();
            }
        });
        counts[0] += entries.size();
        counts[1]++;
        entries.clear();
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        entry.setModTime(0); // the same dataset packs to the same bytes
        entry.setMode(0644);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static void copyMarkdown(Path source, Path out) throws IOException {
        if (!Files.isDirectory(source)) {
            return;
        }
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".md") && Files.isRegularFile(f)).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                AtomicFiles.write(out.resolve(file.getFileName().toString()), stream -> stream.write(bytes));
            }
        }
    }
}
