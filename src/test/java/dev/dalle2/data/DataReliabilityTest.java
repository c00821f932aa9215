package dev.dalle2.data;

import dev.dalle2.clip.ClipConfig;
import dev.dalle2.clip.ClipFolder;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.nn.Engine;
import dev.dalle2.tokenizer.BpeTokenizer;
import dev.dalle2.tokenizer.BpeTrainer;
import dev.dalle2.tokenizer.Merges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.dalle2.data.TestData.png;
import static dev.dalle2.data.TestData.utf8;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The dataset promises of docs/reliability.md: a truncated or empty shard, a duplicate entry and a
 * changed image are never lost or reused without a word.
 */
class DataReliabilityTest {
    private static final int TAR_RECORD = 512;
    private static final int TAR_END = 2 * TAR_RECORD;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);

    @Test
    void aShardCutBetweenEntriesKeepsTheEntriesBeforeTheCutAndCountsTheLastOne(@TempDir Path dir) throws IOException {
        shard(dir.resolve("shard-000000.tar"), 0, 4);
        Path cut = shard(dir.resolve("shard-000001.tar"), 4, 4);
        // the first three entries of the second shard, without the tar end-of-archive record
        truncate(cut, Files.size(cut) - TAR_END - entryBytes(7));
        CaptionDataset data = CaptionDataset.load(dir, 4, err);
        assertEquals(keys(0, 6), keys(data), "every entry before the cut but the last, which may be incomplete");
        assertEquals("skipped 1 of 7 entries: 1 in a truncated shard (first: shard-000001.tar: k06: cut off by the end of the file); "
                + "damaged shards: " + cut + " is cut short at byte " + Files.size(cut) + " (the entries after the cut are lost)\n",
                warnings());
    }

    @Test
    void aShardCutInsideAnEntryKeepsTheEntriesBeforeIt(@TempDir Path dir) throws IOException {
        shard(dir.resolve("shard-000000.tar"), 0, 4);
        Path cut = shard(dir.resolve("shard-000001.tar"), 4, 4);
        // 40 bytes into the image of the second shard's third entry (k06)
        long k06 = entryBytes(4) + entryBytes(5);
        truncate(cut, k06 + TAR_RECORD + 40);
        CaptionDataset data = CaptionDataset.load(dir, 4, err);
        assertEquals(keys(0, 6), keys(data));
        assertEquals("skipped 1 of 7 entries: 1 in a truncated shard (first: shard-000001.tar: k06: cut off by the end of the file); "
                + "damaged shards: " + cut + " is cut short at byte " + (k06 + TAR_RECORD + 40)
                + " (the entries after the cut are lost)\n", warnings());
    }

    @Test
    void anEmptyShardOrOneWithoutEntriesIsNamedAndTheOthersAreRead(@TempDir Path dir) throws IOException {
        shard(dir.resolve("shard-000000.tar"), 0, 3);
        Path empty = Files.createFile(dir.resolve("shard-000001.tar"));
        shard(dir.resolve("shard-000002.tar"), 3, 3);
        Path none = TestData.tar(dir.resolve("shard-000003.tar"), Map.of(), false); // a valid tar without entries
        CaptionDataset data = CaptionDataset.load(dir, 4, err);
        assertEquals(keys(0, 6), keys(data));
        assertEquals("damaged shards: " + empty + " is empty (0 bytes), " + none + " holds no entries\n", warnings());

        IOException nothing = assertThrows(IOException.class, () -> CaptionDataset.load(empty, 4, err));
        assertEquals(empty + ": no usable entries (damaged shards: " + empty + " is empty (0 bytes))", nothing.getMessage());
    }

    @Test
    void aDuplicateImageInCaptionsIsSkippedAndCountedTheFirstWins(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"a", "b", "c"}) {
            png(dir.resolve("images/" + name + ".png"), 4, 4, name.hashCode());
        }
        Files.writeString(dir.resolve("captions.jsonl"), """
                {"image": "images/a.png", "caption": "the first a"}
                {"image": "images/b.png", "caption": "b"}
                {"image": "images/a.png", "caption": "another a"}
                {"image": "./images/b.png", "caption": "b again"}
                {"image": "images/c.png", "caption": "c"}
                """);
        CaptionDataset data = CaptionDataset.load(dir, 4, err);
        assertEquals(List.of("the first a", "b", "c"), data.entries().stream().map(CaptionDataset.Entry::caption).toList());
        assertEquals("skipped 2 of 5 entries: 2 duplicate entries "
                + "(first: captions.jsonl line 3: duplicate image images/a.png (first on line 1))\n", warnings());
    }

    @Test
    void aDuplicateKeyInShardsIsSkippedAndCountedTheFirstWins(@TempDir Path dir) throws IOException {
        shard(dir.resolve("a.tar"), 0, 3);
        shard(dir.resolve("b.tar"), 2, 3);
        CaptionDataset data = CaptionDataset.load(dir, 4, err);
        assertEquals(keys(0, 5), keys(data));
        assertEquals("skipped 1 of 6 entries: 1 duplicate entries (first: b.tar: k02: duplicate key (first in a.tar))\n", warnings());
    }

    @Test
    void theEmbeddingCacheIsStaleWhenAnImageChangesGoesOrComesBack(@TempDir Path dir) throws IOException {
        Path dataset = dir.resolve("data");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            png(dataset.resolve("images/" + i + ".png"), 16, 16, 0x102030 * (i + 1));
            lines.append("{\"image\": \"images/%d.png\", \"caption\": \"a square of colour %d\"}\n".formatted(i, i));
        }
        Files.writeString(dataset.resolve("captions.jsonl"), lines);
        CaptionDataset data = CaptionDataset.load(dataset, 16, err);
        ClipFolder clip = clip(dir.resolve("clip"), data);
        assertEquals(4, EmbeddingCache.build(dataset, data, clip, 4, 4).manifest().images());

        Path image = dataset.resolve("images/2.png");
        long size = Files.size(image);
        FileTime before = Files.getLastModifiedTime(image);
        int rgb = 0xff00ff;
        while (plain(rgb).length != size) {
            rgb--; // another picture of the same size, so that only the modification time tells
        }
        Files.write(image, plain(rgb));
        assertEquals(size, Files.size(image));
        Files.setLastModifiedTime(image, FileTime.fromMillis(before.toMillis() + 2000)); // replaced a while later
        assertStale(dataset, clip);
        EmbeddingCache.build(dataset, CaptionDataset.load(dataset, 16, err), clip, 4, 4);
        assertEquals(4, EmbeddingCache.open(dataset, clip.fingerprint()).manifest().images(), "rebuilt, up to date");

        byte[] kept = Files.readAllBytes(image);
        Files.delete(image);
        assertStale(dataset, clip);
        EmbeddingCache.build(dataset, CaptionDataset.load(dataset, 16, err), clip, 4, 4);
        assertEquals(3, EmbeddingCache.open(dataset, clip.fingerprint()).manifest().images(), "rebuilt without it");

        Files.write(image, kept);
        assertStale(dataset, clip);
    }

    @Test
    void aCacheOfTheOldFormatIsRefusedWithAOneLineMessage(@TempDir Path dir) throws IOException {
        Path dataset = TestData.captionFolder(dir.resolve("data"));
        CaptionDataset data = CaptionDataset.load(dataset, 16, err);
        ClipFolder clip = clip(dir.resolve("clip"), data);
        EmbeddingCache.build(dataset, data, clip, 4, 4);
        Path manifest = EmbeddingCache.location(dataset, clip.fingerprint()).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"version\" : 2", "\"version\" : 1"));
        IOException old = assertThrows(IOException.class, () -> EmbeddingCache.open(dataset, clip.fingerprint()));
        assertTrue(old.getMessage().startsWith(manifest + ": cache format 1, but this version of dalle2 reads format 2"),
                old.getMessage());
        assertTrue(old.getMessage().contains("run dalle2 embed --dataset " + dataset), old.getMessage());
        assertEquals(1, old.getMessage().lines().count());
    }

    private static void assertStale(Path dataset, ClipFolder clip) {
        IOException stale = assertThrows(IOException.class, () -> EmbeddingCache.open(dataset, clip.fingerprint()));
        assertTrue(stale.getMessage().contains("stale, the dataset changed since it was made"), stale.getMessage());
        assertEquals(1, stale.getMessage().lines().count());
    }

    /** A tiny CLIP for {@code data}'s captions at 16 px, written to {@code folder}. */
    private static ClipFolder clip(Path folder, CaptionDataset data) throws IOException {
        List<String> captions = data.entries().stream().flatMap(e -> e.captions().stream()).toList();
        Merges merges = BpeTrainer.train(captions, BpeTrainer.BASE_VOCAB + 20);
        BpeTokenizer tokenizer = new BpeTokenizer(merges);
        Engine.seed(1);
        ClipConfig config = new ClipConfig(tokenizer.vocabSize(), 20, 16, 1, 2, 16, 4, 16, 1, 2, 8, tokenizer.endToken());
        NetworkFolder.write(folder, Map.of("clip", config), new ClipModel(config).namedParameters(), Map.of());
        merges.save(folder.resolve("merges.txt"));
        return ClipFolder.load(folder);
    }

    /** A shard of the entries {@code kFF}, … ({@code count} of them from {@code first}): a 4×4 PNG and a caption each. */
    private static Path shard(Path file, int first, int count) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = first; i < first + count; i++) {
            int rgb = 0xff000000 | 0x0a1420 * (i + 1);
            files.put(key(i) + ".png", png(TestData.image(4, 4, (x, y) -> rgb)));
            files.put(key(i) + ".txt", utf8("picture " + i));
        }
        return TestData.tar(file, files, false);
    }

    /** How many bytes entry {@code i} of a {@link #shard} takes in the tar: a header record and the padded data of each file. */
    private static long entryBytes(int i) {
        int image = png(TestData.image(4, 4, (x, y) -> 0xff000000 | 0x0a1420 * (i + 1))).length;
        int caption = utf8("picture " + i).length;
        return IntStream.of(image, caption).mapToLong(n -> TAR_RECORD + (n + TAR_RECORD - 1L) / TAR_RECORD * TAR_RECORD).sum();
    }

    /** A 16×16 PNG of one opaque colour. */
    private static byte[] plain(int rgb) {
        return png(TestData.image(16, 16, (x, y) -> 0xff000000 | rgb));
    }

    private static void truncate(Path file, long size) throws IOException {
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), Math.toIntExact(size)));
    }

    private static String key(int i) {
        return "k%02d".formatted(i);
    }

    private static List<String> keys(int from, int to) {
        return IntStream.range(from, to).mapToObj(DataReliabilityTest::key).toList();
    }

    private static List<String> keys(CaptionDataset data) {
        return data.entries().stream().map(CaptionDataset.Entry::key).toList();
    }

    /** What was logged apart from the progress bars. */
    private String warnings() {
        return log.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.contains(" it/s ETA "))
                .map(l -> l + "\n").collect(Collectors.joining());
    }
}
