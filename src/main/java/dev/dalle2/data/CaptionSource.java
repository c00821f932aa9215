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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads an image-caption dataset's entries as they are stored, before any image is decoded. A source
 * is a folder with {@value #CAPTIONS} (one JSON object a line: {@code image}, {@code caption},
 * optional {@code captions}, {@code concept}, {@code group}; other fields are ignored), a
 * WebDataset-style {@code .tar} shard ({@code key.png} + {@code key.txt} with one caption a line, the
 * first the primary one, + optional {@code key.json} with {@code concept} and {@code group}), or a
 * folder of such shards, read in name order. Entries without an image or a caption, and lines that
 * are not JSON objects with an image, are passed over and counted in a {@link Skips}.
 */
final class CaptionSource {
    static final String CAPTIONS = ShapesGenerator.CAPTIONS;
    static final String SHARD_SUFFIX = ".tar";
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
        try (Progress progress = new Progress(label, lines.size(), log)) {
            for (int n = 0; n < lines.size(); n++) {
                if (!lines.get(n).isBlank()) {
                    Raw raw = folderEntry(dir, lines.get(n), n + 1, skips);
                    if (raw != null) {
                        sink.accept(raw);
                    }
                }
                progress.update(n + 1, "");
            }
        }
    }

    private static Raw folderEntry(Path dir, String text, int line, Skips skips) throws IOException {
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
        try (Progress progress = new Progress(label + " (MiB)", mib, log)) {
            for (Path shard : shards) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(shard), 1 << 16);
                     TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                    String key = null;
                    Map<String, byte[]> files = new LinkedHashMap<>();
                    TarArchiveEntry entry;
                    while ((entry = tar.getNextEntry()) != null) {
                        String name = entry.getName();
                        int dot = name.indexOf('.', name.lastIndexOf('/') + 1);
                        if (!entry.isFile() || dot < 0) {
                            continue;
                        }
                        if (!name.substring(0, dot).equals(key)) {
                            shardEntry(shard, key, files, skips, sink);
                            key = name.substring(0, dot);
                            files.clear();
                        }
                        files.put(name.substring(dot + 1).toLowerCase(Locale.ROOT), tar.readAllBytes());
                        progress.update((before + tar.getBytesRead()) / MIB, "");
                    }
                    shardEntry(shard, key, files, skips, sink);
                } catch (UncheckedIOException e) { // the sink's own failure, not the shard's
                    throw e.getCause();
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException(shard + ": cannot read this tar shard: " + e.getMessage(), e);
                }
                before += Files.size(shard);
                progress.update(before == total ? mib : before / MIB, "");
            }
        }
    }

    private static void shardEntry(Path shard, String key, Map<String, byte[]> files, Skips skips, Sink sink) {
        if (key == null) {
            return;
        }
        String where = shard.getFileName() + ": " + key;
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
        try {
            sink.accept(new Raw(key, where + "." + type, type, files.get(type), captions, text(meta, "concept"), text(meta, "group")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
