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
    void dataListsItsSubcommands() {
        String help = run("data").err();
        assertTrue(help.contains("shapes") && help.contains("pack"), help);
    }
}
