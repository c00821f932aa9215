package dev.dalle2.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ShardPackerTest {
    private final PrintStream log = new PrintStream(new ByteArrayOutputStream(), true);

    @Test
    void packedShardsLoadExactlyLikeTheFolder(@TempDir Path tmp) throws IOException {
        Path folder = TestData.captionFolder(tmp.resolve("folder"));
        ShardPacker.Result result = ShardPacker.pack(folder, tmp.resolve("shards"), 2, log);
        assertEquals(new ShardPacker.Result(5, 3, 1), result);
        assertEquals(List.of("LICENSES.md", "shard-000000.tar", "shard-000001.tar", "shard-000002.tar"),
                Files.list(tmp.resolve("shards")).map(p -> p.getFileName().toString()).sorted().toList());

        CaptionDataset a = CaptionDataset.load(folder, 8, log);
        CaptionDataset b = CaptionDataset.load(tmp.resolve("shards"), 8, log);
        assertEquals(a.entries(), b.entries());
        assertEquals(List.of("same_000001", "same_000002", "img2_000003", "img3_000004", "img4_000005"),
                b.entries().stream().map(CaptionDataset.Entry::key).toList());
        assertEquals(List.of("picture 0", "variant 0"), b.entry(0).captions());
        assertEquals("c0", b.entry(0).concept());
        assertNull(b.entry(1).group());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.pixels(i), b.pixels(i));
        }

        Map<String, byte[]> shard = read(tmp.resolve("shards/shard-000001.tar"));
        assertEquals(List.of("img2_000003.png", "img2_000003.txt", "img2_000003.json", "img3_000004.png", "img3_000004.txt"),
                List.copyOf(shard.keySet()));
        assertArrayEquals(Files.readAllBytes(folder.resolve("images/img2.png")), shard.get("img2_000003.png"), "copied as is");
        assertEquals("picture 2\nvariant 2\n", new String(shard.get("img2_000003.txt")));

        ShardPacker.pack(folder, tmp.resolve("again"), 2, log);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("shards/shard-000000.tar")),
                Files.readAllBytes(tmp.resolve("again/shard-000000.tar")), "the same folder packs to the same bytes");
    }

    @Test
    void refusesABusyOutputFolderAndABadShardSize(@TempDir Path tmp) throws IOException {
        Path folder = TestData.captionFolder(tmp.resolve("folder"));
        assertThrows(IllegalArgumentException.class, () -> ShardPacker.pack(folder, tmp.resolve("s"), 0, log));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardPacker.pack(folder, folder, 10, log));
        assertTrue(e.getMessage().contains("not an empty folder"), e.getMessage());
    }

    private static Map<String, byte[]> read(Path tar) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = t.getNextEntry()) != null) {
                files.put(entry.getName(), t.readAllBytes());
            }
        }
        return files;
    }
}
