package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * kill -9 at any moment of a training run (issue 21): a run that checkpoints every step is killed four times at
 * random moments (mostly in the middle of writing a checkpoint), resumed each time, and must end exactly as one
 * uninterrupted run's log would read: every step once, in order.
 */
class KillDuringTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TOTAL = 30;

    @Test
    void aRunKilledAtRandomMomentsResumesToTheEnd(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("shapes");
        assertEquals(0, CliRun.run("data", "shapes", "--out", data.toString(), "--count", "8", "--size", "32").code());
        Path run = dir.resolve("run");
        Path recipe = dir.resolve("recipe.yaml");
        Files.writeString(recipe, Files.readString(Path.of("configs/decoder-overfit.yaml"))
                .replace("dataset: data/shapes-one", "dataset: " + data)
                .replace("out: runs/decoder-overfit", "out: " + run)
                .replace("totalSteps: 300", "totalSteps: " + TOTAL)
                .replace("batchSize: 8", "batchSize: 2")
                .replace("checkpointEvery: 100", "checkpointEvery: 1")
                .replace("sampleEvery: 100", "sampleEvery: 1000"));
        Random random = new Random(21);
        int kills = 0;
        for (int attempt = 0; attempt < 12 && kills < 4; attempt++) {
            Process p = train(recipe, Checkpoint.exists(run), dir.resolve("log-" + attempt + ".txt"));
            long before = steps(run);
            // wait for this process's first steps, then kill it a random moment later
            while (p.isAlive() && steps(run) <= before) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(400));
            if (!p.isAlive()) {
                break; // it finished before the kill
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            kills++;
        }
        assertTrue(kills >= 2, "the run was killed at least twice (" + kills + ")");
        Process last = train(recipe, Checkpoint.exists(run), dir.resolve("log-last.txt"));
        assertTrue(last.waitFor(300, TimeUnit.SECONDS));
        assertEquals(0, last.exitValue(), Files.readString(dir.resolve("log-last.txt")));
        List<Long> logged = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            logged.add(JSON.readTree(line).get("step").asLong());
        }
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= TOTAL; s++) {
            expected.add(s);
        }
        assertEquals(expected, logged, "every step once, in order, after " + kills + " kills");
        assertFalse(Files.exists(run.resolve("checkpoint.tmp")));
    }

    /** Starts {@code dalle2 train decoder} in a fresh JVM with this test's class path. */
    private static Process train(Path recipe, boolean resume, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "decoder", "--config", recipe.toString()));
        if (resume) {
            command.add("--resume");
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The number of complete rows in the run's metrics log. */
    private static long steps(Path run) throws IOException {
        Path file = run.resolve("metrics.jsonl");
        if (!Files.exists(file)) {
            return 0;
        }
        return Files.readAllLines(file).stream().filter(l -> l.endsWith("}")).count();
    }
}
