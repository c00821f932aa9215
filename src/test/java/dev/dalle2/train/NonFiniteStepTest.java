package dev.dalle2.train;

import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Linear;
import dev.dalle2.nn.Module;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A step whose gradient is NaN while its loss is finite (the U-Net's oneDNN fault looked exactly like
 * this) must change no weight, be counted, and stop the run after {@code maxSkippedSteps} in a row.
 */
class NonFiniteStepTest {
    /** A linear regression whose chosen steps (1-based) get a NaN gradient and a finite loss. */
    private static final class PoisonedTask implements TrainingTask {
        final Linear model = new Linear(4, 2);
        final Linear average = new Linear(4, 2);
        final Set<Long> poisoned;
        long calls;

        PoisonedTask(Set<Long> poisoned) {
            this.poisoned = poisoned;
        }

        public Module model() { return model; }
        public Module average() { return average; }
        public int size() { return 16; }

        public HostBatch load(int[] indices, Random random) {
            float[] x = new float[indices.length * 4];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            return new HostBatch(Map.of("x", new HostBatch.Array(x, indices.length, 4)));
        }

        public Tensor loss(HostBatch batch, Generator g) {
            Tensor loss = model.forward(batch.tensor("x")).square().mean();
            if (poisoned.contains(++calls)) {
                // 0 · √0: the value is 0, its gradient 0 · ∞ = NaN.
                Tensor w = model.parameters().get(0);
                loss = loss.add(w.sub(w.detach()).abs().sum().sqrt().mul(Ops.scalar(0)));
            }
            return loss;
        }

        public Tensor preview(Generator g) { return Ops.zeros(3, 4, 4); }
    }

    private static TrainingConfig config(int total, Integer maxSkipped) {
        return TrainingConfig.builder().batchSize(4).learningRate(1e-2).warmupSteps(0).totalSteps(total).minLrRatio(1.0)
                .weightDecay(0.0).emaDecay(0.5).gradClip(1.0).bf16(false).condDropProb(0.0).checkpointEvery(2)
                .sampleEvery(1000).sampleCount(1).maxSkippedSteps(maxSkipped).build();
    }

    @Test
    void aNonFiniteStepIsSkippedAndCounted(@TempDir Path run) throws Exception {
        Engine.seed(1);
        PoisonedTask clean = new PoisonedTask(Set.of());
        new Trainer(clean, config(4, null), 3, run.resolve("clean")).run(false, 0);
        Engine.seed(1);
        PoisonedTask task = new PoisonedTask(Set.of(3L));
        new Trainer(task, config(4, null), 3, run.resolve("poisoned")).run(false, 0);

        for (Tensor p : task.model.parameters()) {
            assertTrue(Ops.allFinite(p), "weights stayed finite");
        }
        assertTrue(Ops.allFinite(task.average.parameters().get(0)), "EMA stayed finite");
        List<String> rows = Files.readAllLines(run.resolve("poisoned/metrics.jsonl"));
        assertEquals(4, rows.size());
        assertTrue(rows.get(1).contains("\"skipped_steps\":0"), rows.get(1));
        assertTrue(rows.get(2).contains("\"skipped_steps\":1"), rows.get(2));
        assertTrue(rows.get(3).contains("\"skipped_steps\":1"), rows.get(3));
        // The skipped step did not move the weights: they differ from the clean run's, which took it.
        assertFalse(java.util.Arrays.equals(Ops.toFloats(clean.model.parameters().get(0)),
                Ops.toFloats(task.model.parameters().get(0))), "the skipped step changed nothing");
    }

    @Test
    void consecutiveNonFiniteStepsStopTheRunWithoutACheckpointFromThem(@TempDir Path run) throws Exception {
        Engine.seed(1);
        PoisonedTask task = new PoisonedTask(Set.of(3L, 4L, 5L));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(task, config(10, 3), 3, run).run(false, 0));
        assertTrue(e.getMessage().startsWith("training stopped at step 5: 3 steps in a row had a non-finite loss or gradient"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("lower training.learningRate"), "gradClip is on: no advice to enable it: " + e.getMessage());
        for (Tensor p : task.model.parameters()) {
            assertTrue(Ops.allFinite(p), "weights stayed finite");
        }
        // The last checkpoint is the one of step 4 (every 2 steps), made of finite weights.
        assertTrue(Files.exists(run.resolve("checkpoint")), "checkpoint written");
    }

    @Test
    void maxSkippedStepsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> config(10, 0));
        assertEquals(TrainingConfig.DEFAULT_MAX_SKIPPED_STEPS, config(10, null).maxSkippedSteps());
    }
}
