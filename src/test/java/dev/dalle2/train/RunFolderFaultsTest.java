package dev.dalle2.train;

import dev.dalle2.io.SmallDisk;
import dev.dalle2.nn.Linear;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Faults in a run folder (issue 21): a full disk while a checkpoint is written is one line and keeps the previous
 * checkpoint loadable, a run that cannot fit its checkpoints is refused before training, and a metrics log cut short
 * by a kill still resumes.
 */
class RunFolderFaultsTest {
    @TempDir
    Path dir;

    /** A 256 → 256 layer (257 KiB of weights, so a checkpoint of about 1 MiB) after one AdamW step. */
    private record Net(Linear model, Linear average, AdamW optimizer, Generator noise) {
        static Net create() {
            Linear model = new Linear(256, 256);
            AdamW optimizer = new AdamW(new TensorVector(model.parameters().toArray(new Tensor[0])), new AdamWOptions(1e-2));
            Net net = new Net(model, new Linear(256, 256), optimizer, Ops.generator(7));
            net.step();
            return net;
        }

        void step() {
            optimizer.zero_grad();
            model.forward(Ops.ones(4, 256)).square().sum().backward();
            optimizer.step();
        }

        void save(Path run, long step) throws IOException {
            Checkpoint.save(run, step, model, average, optimizer, noise);
        }
    }

    @Test
    void aFullDiskDuringACheckpointKeepsThePreviousOne() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 1800); PointerScope scope = new PointerScope()) {
            Path run = disk.root().resolve("run");
            Net net = Net.create();
            net.save(run, 1);
            float[] saved = Ops.toFloats(net.model().parameters().get(0));
            net.step();
            IOException e = assertThrows(IOException.class, () -> net.save(run, 2));
            assertEquals(run.resolve("checkpoint.tmp/optimizer.pt").toAbsolutePath() + ": No space left on device"
                    + " (the checkpoint of step 2 was not written; " + run.resolve("checkpoint")
                    + " still holds the previous one)", e.getMessage());
            assertEquals(List.of("checkpoint"), names(run), "the half-written checkpoint is deleted");
            Net fresh = Net.create();
            assertEquals(1, Checkpoint.load(run, fresh.model(), fresh.average(), fresh.optimizer(), fresh.noise()));
            assertArrayEquals(saved, Ops.toFloats(fresh.model().parameters().get(0)));
        }
    }

    @Test
    void aRunWhoseCheckpointsCannotFitIsRefusedBeforeTraining() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(dir, 1800); PointerScope scope = new PointerScope()) {
            Path run = disk.root().resolve("run");
            List<Tensor> params = new Linear(256, 256).parameters();
            IOException e = assertThrows(IOException.class, () -> Checkpoint.requireSpace(run, params));
            assertEquals(run + ": 1.8 MiB free, but training needs about 2.1 MiB there for its checkpoints"
                    + " (1.1 MiB each)", e.getMessage());
            assertFalse(Files.exists(run), "nothing is created");
            Checkpoint.requireSpace(run, new Linear(64, 64).parameters()); // 2 × 130 KiB fit
        }
    }

    @Test
    void aMetricsLogCutShortByAKillResumes() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.4}\n{\"step\":3,\"lo");
        try (MetricsLog log = new MetricsLog(file, 2)) {
            assertEquals(2, log.losses().size());
            log.log(Map.of("step", 3, "loss", 0.3));
        }
        assertEquals("{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.4}\n{\"step\":3,\"loss\":0.3}\n",
                Files.readString(file).replace("{\"loss\":0.3,\"step\":3}", "{\"step\":3,\"loss\":0.3}"));
    }

    @Test
    void aCorruptMetricsLineInTheMiddleNamesTheLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        String before = "{\"step\":1,\"loss\":0.5}\nnot json\n{\"step\":3,\"loss\":0.4}\n";
        Files.writeString(file, before);
        IOException e = assertThrows(IOException.class, () -> new MetricsLog(file, 3));
        assertEquals(file + ":2: not a metrics row with a step (the log is corrupt; move it away to resume without it)",
                e.getMessage());
        assertEquals(before, Files.readString(file), "the log is left as it was");
    }

    private static List<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
