package dev.dalle2.cli;

import dev.dalle2.data.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.dalle2.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.*;

class DataCommandsTest {
    @Test
    void packWritesShards(@TempDir Path tmp) throws Exception {
        Path folder = TestData.captionFolder(tmp.resolve("folder"));
        CliRun r = run("data", "pack", "--dataset", folder.toString(), "--out", tmp.resolve("shards").toString(), "--shard-size", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("packed 5 entries into 2 shards in " + tmp.resolve("shards") + "\n", r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("shards/shard-000001.tar")));

        run("data", "pack", "--dataset", tmp.resolve("none").toString(), "--out", tmp.resolve("x").toString())
                .assertOneLineError(1, "no such dataset file or folder");
        run("data", "pack", "--dataset", folder.toString(), "--out", folder.toString())
                .assertOneLineError(1, "not an empty folder");
        run("data", "pack", "--dataset", folder.toString()).assertOneLineError(2, "--out");
    }

    @Test
    void emojiBuildsFromTheCachedArchivesWithoutTheNetwork(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        TestData.emojiArchives(cache);
        CliRun r = run("data", "emoji", "--out", tmp.resolve("emoji").toString(), "--size", "16", "--cache", cache.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)group\\s+images\\s+concepts\nnoto\\s+3\\s+2\ntwemoji\\s+3\\s+2\nopenmoji\\s+1\\s+1\n"
                + "fluent-flat\\s+3\\s+2\nfluent-color\\s+1\\s+1\nemojione\\s+2\\s+2\nemojione-v1\\s+1\\s+1\nnoto-v1\\s+1\\s+1\n"
                + "fxemoji\\s+1\\s+1\ntotal\\s+16\\s+2\nwrote 16x16 images to .*"), r.out());
        assertTrue(Files.isRegularFile(tmp.resolve("emoji/images/twemoji/1f44b-1f3fd.png")));
        assertTrue(Files.isDirectory(cache.resolve("openmoji-17.0.0/package/color/svg")), "unpacked into the cache");
        assertTrue(Files.isRegularFile(cache.resolve("iconify-json-noto-v1-1.2.5/package/icons.json")), "scoped names flattened");

        run("data", "emoji", "--out", tmp.resolve("e2").toString(), "--size", "4", "--cache", cache.toString())
                .assertOneLineError(1, "size must be in [8, 1024]");
    }

    @Test
    void dataListsItsSubcommands() {
        String help = run("data").err();
        assertTrue(help.contains("shapes") && help.contains("pack") && help.contains("emoji"), help);
    }
}
