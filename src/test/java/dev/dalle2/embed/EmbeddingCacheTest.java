package dev.dalle2.embed;

import dev.dalle2.clip.ClipConfig;
import dev.dalle2.clip.ClipFolder;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.shapes.ShapesGenerator;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import dev.dalle2.tokenizer.BpeTokenizer;
import dev.dalle2.tokenizer.BpeTrainer;
import dev.dalle2.tokenizer.Merges;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The embedding cache: what it holds, that it is reused, and that stale or corrupt caches are refused. */
class EmbeddingCacheTest {
    @TempDir
    static Path dir;
    static Path dataset;
    static Path clipDir;
    static CaptionDataset data;

    @BeforeAll
    static void makeDatasetAndClip() throws IOException {
        dataset = dir.resolve("shapes");
        ShapesGenerator.generate(dataset, 10, 16, 0, 0.3);
        data = CaptionDataset.load(dataset, 16);
        List<String> captions = data.entries().stream().map(CaptionDataset.Entry::caption).toList();
        Merges merges = BpeTrainer.train(captions, BpeTrainer.BASE_VOCAB + 40);
        BpeTokenizer tokenizer = new BpeTokenizer(merges);
        clipDir = dir.resolve("clip");
        writeClip(clipDir, merges, tokenizer, 1);
    }

    private static void writeClip(Path folder, Merges merges, BpeTokenizer tokenizer, long seed) throws IOException {
        Engine.seed(seed);
        ClipConfig config = new ClipConfig(tokenizer.vocabSize(), 20, 16, 1, 2, 16, 4, 16, 1, 2, 8, tokenizer.endToken());
        ClipModel model = new ClipModel(config);
        NetworkFolder.write(folder, Map.of("clip", config), model.namedParameters(), Map.of());
        merges.save(folder.resolve("merges.txt"));
    }

    @Test
    void holdsTheEmbeddingsOfEveryImageAndCaption() throws IOException {
        ClipFolder clip = ClipFolder.load(clipDir);
        EmbeddingCache cache = EmbeddingCache.build(dataset, data, clip, 4, 3);
        assertEquals(4, cache.manifest().shards().size(), "10 images in shards of 3");
        assertEquals(10, cache.imageEmbeds().size(0));
        assertEquals(10, cache.textEmbeds().size(0), "one caption per shapes image");
        assertArrayEquals(new long[] {10, 20, 16}, cache.textTokens().shape());
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            float[] pixels = new float[3 * 16 * 16];
            data.toFloats(7, pixels, 0);
            Tensor direct = clip.model().encodeImage(Ops.tensor(pixels, 1, 3, 16, 16));
            assertEquals(1.0, Ops.item(direct.mul(cache.imageEmbeds().get(7).unsqueeze(0)).sum()), 1e-5);
            Tensor text = clip.model().encodeText(clip.tokenizer().tokenizeTensor(List.of(data.entry(7).caption()), 20)).embedding();
            assertEquals(1.0, Ops.item(text.mul(cache.textEmbeds().get(7).unsqueeze(0)).sum()), 1e-5);
        }
        assertEquals(7, cache.imageOf(7));
        assertEquals(data.entry(7).caption(), cache.caption(data, 7));
    }

    @Test
    void isReusedAndRefusedWhenStale() throws IOException {
        Path copy = dir.resolve("stale");
        ShapesGenerator.generate(copy, 6, 16, 1, 0.0);
        CaptionDataset small = CaptionDataset.load(copy, 16);
        ClipFolder clip = ClipFolder.load(clipDir);
        EmbeddingCache.build(copy, small, clip, 4, 4);
        assertTrue(EmbeddingCache.exists(copy, clip.fingerprint()));
        assertEquals(6, EmbeddingCache.open(copy, clip.fingerprint()).manifest().images());

        Path other = dir.resolve("other-clip");
        BpeTokenizer tokenizer = clip.tokenizer();
        writeClip(other, Merges.read(clipDir.resolve("merges.txt")), tokenizer, 2);
        String otherPrint = ClipFolder.fingerprint(other);
        assertNotEquals(clip.fingerprint(), otherPrint);
        IOException different = assertThrows(IOException.class, () -> EmbeddingCache.open(copy, otherPrint));
        assertTrue(different.getMessage().contains("different CLIP model"), different.getMessage());

        Path shard = EmbeddingCache.location(copy, clip.fingerprint()).resolve("shard-00000.safetensors");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 1] ^= 1;
        Files.write(shard, bytes);
        IOException corrupt = assertThrows(IOException.class, () -> EmbeddingCache.open(copy, clip.fingerprint()));
        assertTrue(corrupt.getMessage().contains("corrupt"), corrupt.getMessage());
        assertEquals(1, corrupt.getMessage().lines().count());

        EmbeddingCache.build(copy, small, clip, 4, 4);
        Files.writeString(copy.resolve("captions.jsonl"), "\n", StandardOpenOption.APPEND);
        IOException stale = assertThrows(IOException.class, () -> EmbeddingCache.open(copy, clip.fingerprint()));
        assertTrue(stale.getMessage().contains("dataset changed"), stale.getMessage());
    }

    @Test
    void updateBuildsOnceThenReusesAndRebuildsWhatFailsItsChecks() throws IOException {
        Path copy = dir.resolve("updated");
        ShapesGenerator.generate(copy, 5, 16, 2, 0.0);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream logStream = new PrintStream(log, true, StandardCharsets.UTF_8);
        EmbeddingCache.Update first = EmbeddingCache.update(copy, clipDir, 4, 4, logStream);
        assertTrue(first.built());
        assertEquals(5, first.cache().manifest().images());
        assertEquals(EmbeddingCache.location(copy, ClipFolder.fingerprint(clipDir)), first.location());

        EmbeddingCache.Update second = EmbeddingCache.update(copy, clipDir, 4, 4, logStream);
        assertFalse(second.built(), "an up-to-date cache is reused");
        assertEquals(0.0, second.seconds());
        assertFalse(log.toString(StandardCharsets.UTF_8).contains("rebuilding"), log.toString(StandardCharsets.UTF_8));

        Path shard = first.location().resolve("shard-00000.safetensors");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 1] ^= 1;
        Files.write(shard, bytes);
        EmbeddingCache.Update third = EmbeddingCache.update(copy, clipDir, 4, 4, logStream);
        assertTrue(third.built(), "a corrupt cache is rebuilt");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("rebuilding the embedding cache: " + shard + ": missing or corrupt"),
                log.toString(StandardCharsets.UTF_8));
        assertEquals(5, EmbeddingCache.open(copy, ClipFolder.fingerprint(clipDir)).manifest().images());
    }
}
