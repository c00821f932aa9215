package dev.dalle2.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.io.Progress;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Reads an image-caption dataset's entries as they are stored, before any image is decoded. A source
 * is a folder with {@value #CAPTIONS} (one JSON object a line: {@code image}, {@code caption},
 * optional {@code captions}, {@code concept}, {@code group}; other fields are ignored), a
 * WebDataset-style {@code .tar} shard ({@code key.png} + {@code key.txt} with one caption a line, the
 * first the primary one, + optional {@code key.json} with {@code concept} and {@code group}), or a
 * folder of such shards, read in name order. Entries without an image or a caption, lines that are
 * not JSON objects with an image, and duplicates (a folder's line naming an image an earlier line
 * already used, a shard entry whose key an earlier one had: the first wins) are passed over and
 * counted in a {@link Skips}. A shard cut short keeps the entries before the cut and drops the one
 * the cut falls in or after (its files may be incomplete), counted as {@link Skips#TRUNCATED}; it and
 * an empty shard are named in the warning line.
 */
final class CaptionSource {
    static final String CAPTIONS = CaptionDataset.CAPTIONS;
    static final String SHARD_SUFFIX = CaptionDataset.SHARD_SUFFIX;
    private static final Set<String> IMAGE_TYPES = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    private static final long MIB = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CaptionSource() {}

    /**
     * One stored entry: its key, where it is (for messages), its image's file type (e.g. {@code png})
     * and bytes, its captions (at least one, the primary first) and its concept and group (null when absent).
     */
    record Raw(String key, String where, String imageType, byte[] image, List<String> captions, String concept,
               String group) {}

    /** Takes the entries one by one, in the source's order. */
    interface Sink {
        void accept(Raw raw) throws IOException;
    }

    /**
     * Passes every usable entry of {@code source} to {@code sink}, counting the others in {@code skips},
     * with a progress bar labelled {@code label} on {@code log}.
     *
     * @throws IOException when the source is missing or is neither a dataset folder nor shards, or a
     *                     file of it cannot be read; the message names the file
     */
    static void read(Path source, String label, PrintStream log, Skips skips, Sink sink) throws IOException {
        if (!Files.exists(source)) {
            throw new NoSuchFileException(source.toString(), null, "no such dataset file or folder");
        }
        if (Files.isDirectory(source) && Files.isRegularFile(source.resolve(CAPTIONS))) {
            readFolder(source, label, log, skips, sink);
        } else {
            readShards(shards(source), label, log, skips, sink);
        }
    }

    /** The key of the entry on {@code line} (1-based) of a folder: its image's file name stem and the line number. */
    static String key(String image, int line) {
        String name = image.substring(Math.max(image.lastIndexOf('/'), image.lastIndexOf('\\')) + 1);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return String.format(Locale.ROOT, "%s_%06d", stem.replaceAll("[.\\s]", "_"), line);
    }

    /**
     * The image files that the lines of {@code dir}'s {@value #CAPTIONS} name, in line order, whether
     * they exist or not; lines that are blank, not JSON or without an image are passed over.
     */
    static List<Path> images(Path dir) throws IOException {
        List<Path> images = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve(CAPTIONS), StandardCharsets.UTF_8)) {
            try {
                String image = line.isBlank() ? null : text(JSON.readTree(line), "image");
                if (image != null) {
                    images.add(dir.resolve(image));
                }
            } catch (JsonProcessingException e) {
                // a malformed line names no image
            }
        }
        return images;
    }

    private static List<Path> shards(Path source) throws IOException {
        if (Files.isRegularFile(source)) {
            if (!source.getFileName().toString().endsWith(SHARD_SUFFIX)) {
                throw new IOException(source + ": not a .tar shard or a dataset folder");
            }
            return List.of(source);
        }
        List<Path> shards;
        try (Stream<Path> files = Files.list(source)) {
            shards = files.filter(f -> f.getFileName().toString().endsWith(SHARD_SUFFIX) && Files.isRegularFile(f))
                    .sorted().toList();
        }
        if (shards.isEmpty()) {
            throw new IOException(source + ": no " + CAPTIONS + " and no .tar shards in this folder");
        }
        return shards;
    }

    private static void readFolder(Path dir, String label, PrintStream log, Skips skips, Sink sink) throws IOException {
        Path file = dir.resolve(CAPTIONS);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        Map<Path, Integer> firstLine = new HashMap<>();
        try (Progress progress = new Progress(label, lines.size(), log)) {
            for (int n = 0; n < lines.size(); n++) {
                if (!lines.get(n).isBlank()) {
                    Raw raw = folderEntry(dir, lines.get(n), n + 1, firstLine, skips);
                    if (raw != null) {
                        sink.accept(raw);
                    }
                }
                progress.update(n + 1, "");
            }
        }
    }

    /**
     * The entry on {@code line}, or null when it is skipped (counted in {@code skips}); {@code firstLine}
     * holds the line each image was first used on, so that a later line with the same image is a duplicate.
     */
    private static Raw folderEntry(Path dir, String text, int line, Map<Path, Integer> firstLine, Skips skips)
            throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            skips.add(Skips.MALFORMED, CAPTIONS + " line " + line + ": not JSON: " + e.getOriginalMessage());
            return null;
        }
        String image = text(node, "image");
        if (image == null) {
            skips.add(Skips.MALFORMED, CAPTIONS + " line " + line + ": not an object with a text field 'image'");
            return null;
        }
        List<String> captions = captions(node);
        if (captions.isEmpty()) {
            skips.add(Skips.NO_CAPTION, image + " (line " + line + "): no caption");
            return null;
        }
        Integer first = firstLine.putIfAbsent(dir.resolve(image).normalize(), line);
        if (first != null) {
            skips.add(Skips.DUPLICATE, CAPTIONS + " line " + line + ": duplicate image " + image + " (first on line " + first + ")");
            return null;
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(dir.resolve(image));
        } catch (IOException e) {
            skips.add(Skips.UNREADABLE, image + " (line " + line + "): "
                    + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
            return null;
        }
        int dot = image.lastIndexOf('.');
        String type = dot < 0 ? "png" : image.substring(dot + 1).toLowerCase(Locale.ROOT);
        return new Raw(key(image, line), image, type, bytes, captions, text(node, "concept"), text(node, "group"));
    }

    private static void readShards(List<Path> shards, String label, PrintStream log, Skips skips, Sink sink) throws IOException {
        long total = 0;
        for (Path shard : shards) {
            total += Files.size(shard);
        }
        long before = 0;
        long mib = (total + MIB - 1) / MIB;
        Map<String, String> firstShard = new HashMap<>();
        try (Progress progress = new Progress(label + " (MiB)", mib, log)) {
            for (Path shard : shards) {
                long size = Files.size(shard);
                if (size == 0) {
                    skips.addShard(shard + " is empty (0 bytes)");
                } else {
                    long offset = before;
                    readShard(shard, new ShardEntries(shard, skips, sink, firstShard),
                            read -> progress.update((offset + read) / MIB, ""));
                }
                before += size;
                progress.update(before == total ? mib : before / MIB, "");
            }
        }
    }

    /**
     * Reads one shard's entries. A shard cut short (its file ends inside an entry, or without the tar
     * end-of-archive record) keeps the entries before the cut; the entry the cut falls in or after is
     * dropped, as its files may be incomplete.
     */
    private static void readShard(Path shard, ShardEntries entries, LongConsumer progress) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(shard), 1 << 16);
             ShardTar tar = new ShardTar(in)) {
            boolean cut;
            try {
                readFiles(tar, entries, progress);
                cut = !tar.ended;
            } catch (IOException e) {
                if (in.read() != -1) {
                    throw e; // it failed before the file's end: corrupt, not cut short
                }
                cut = true;
            }
            if (cut) {
                entries.cutOff(Files.size(shard));
            } else {
                entries.finish();
            }
        } catch (UncheckedIOException e) { // the sink's own failure, not the shard's
            throw e.getCause();
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(shard + ": cannot read this tar shard: " + e.getMessage(), e);
        }
    }

    private static void readFiles(ShardTar tar, ShardEntries entries, LongConsumer progress) throws IOException {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            String name = entry.getName();
            int dot = name.indexOf('.', name.lastIndexOf('/') + 1);
            if (!entry.isFile() || dot < 0) {
                continue;
            }
            entries.begin(name.substring(0, dot));
            entries.put(name.substring(dot + 1).toLowerCase(Locale.ROOT), tar.readAllBytes());
            progress.accept(tar.getBytesRead());
        }
    }

    /** A tar stream that tells an archive ending with its end-of-archive record from one cut short. */
    private static final class ShardTar extends TarArchiveInputStream {
        private boolean ended;

        ShardTar(InputStream in) {
            super(in);
        }

        @Override
        protected byte[] readRecord() throws IOException {
            byte[] record = super.readRecord();
            ended |= record != null && isEOFRecord(record);
            return record;
        }
    }

    /** One shard's files as they come, grouped by key; each complete group goes on as an entry or is counted as skipped. */
    private static final class ShardEntries {
        private final Path shard;
        private final Skips skips;
        private final Sink sink;
        private final Map<String, String> firstShard;
        private final Map<String, byte[]> files = new LinkedHashMap<>();
        private String key;
        private int begun;

        ShardEntries(Path shard, Skips skips, Sink sink, Map<String, String> firstShard) {
            this.shard = shard;
            this.skips = skips;
            this.sink = sink;
            this.firstShard = firstShard;
        }

        /** Starts the group of {@code key} unless it is the current one, passing the previous group on. */
        void begin(String key) {
            if (!key.equals(this.key)) {
                flush();
                this.key = key;
                begun++;
            }
        }

        void put(String type, byte[] bytes) {
            files.put(type, bytes);
        }

        /** Passes the last group on at the shard's end; notes a shard that held no entry. */
        void finish() {
            flush();
            if (begun == 0) {
                skips.addShard(shard + " holds no entries");
            }
        }

        /** Drops the group the shard's end cut into, counting it, and notes the shard as cut short. */
        void cutOff(long size) {
            if (key != null) {
                skips.add(Skips.TRUNCATED, shard.getFileName() + ": " + key + ": cut off by the end of the file");
            }
            skips.addShard(shard + " is cut short at byte " + size + " (the entries after the cut are lost)");
            key = null;
            files.clear();
        }

        private void flush() {
            if (key != null) {
                entry(shard.getFileName() + ": " + key);
            }
            key = null;
            files.clear();
        }

        private void entry(String where) {
            String type = files.keySet().stream().filter(IMAGE_TYPES::contains).findFirst().orElse(null);
            if (type == null) {
                skips.add(Skips.NO_IMAGE, where + ": no image file");
                return;
            }
            JsonNode meta = JSON.createObjectNode();
            if (files.containsKey("json")) {
                try {
                    meta = JSON.readTree(files.get("json"));
                } catch (IOException e) {
                    skips.add(Skips.BAD_METADATA, where + ".json: not JSON");
                    return;
                }
            }
            List<String> captions = files.containsKey("txt")
                    ? clean(new String(files.get("txt"), StandardCharsets.UTF_8).lines().toList())
                    : captions(meta);
            if (captions.isEmpty()) {
                skips.add(Skips.NO_CAPTION, where + ": no caption");
                return;
            }
            String first = firstShard.putIfAbsent(key, shard.getFileName().toString());
            if (first != null) {
                skips.add(Skips.DUPLICATE, where + ": duplicate key (first in " + first + ")");
                return;
            }
            try {
                sink.accept(new Raw(key, where + "." + type, type, files.get(type), captions, text(meta, "concept"), text(meta, "group")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The JSON object's {@code caption} followed by the other {@code captions}, without blanks or repeats. */
    private static List<String> captions(JsonNode node) {
        List<String> all = new ArrayList<>();
        all.add(node.path("caption").isTextual() ? node.get("caption").asText() : "");
        for (JsonNode caption : node.path("captions")) {
            all.add(caption.isTextual() ? caption.asText() : "");
        }
        return clean(all);
    }

    private static List<String> clean(List<String> captions) {
        Set<String> kept = new LinkedHashSet<>();
        for (String caption : captions) {
            if (!caption.isBlank()) {
                kept.add(caption.strip());
            }
        }
        return List.copyOf(kept);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }
}
