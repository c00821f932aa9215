package dev.dalle2.train;

import dev.dalle2.io.Images;
import dev.dalle2.io.Progress;
import dev.dalle2.nn.Autocast;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one training loop of every network: AdamW with a warm-up + cosine learning rate, bf16
 * autocast, gradient clipping, EMA weights, batches assembled on a background thread, and in the
 * run folder: {@code metrics.jsonl} (every step, with the resident memory), {@code loss.png}, {@code samples/step-NNNNNN.png}
 * (the EMA model's preview and the task's held-out metrics every {@code sampleEvery} steps) and {@code checkpoint/} (every
 * {@code checkpointEvery} steps; {@code resume} continues from it with the same schedule, data
 * order, generators and EMA). Every step runs inside its own scope ({@link Scopes#freeing}).
 *
 * <p>A step whose loss or gradient norm is not finite changes nothing: the optimiser and the EMA are
 * not updated, the step is counted ({@code skipped_steps} in the metrics, and a line on standard error),
 * and after {@code maxSkippedSteps} such steps in a row the run stops with an error. A checkpoint is
 * never written from non-finite weights.
 */
public final class Trainer {
    private final TrainingTask task;
    private final TrainingConfig config;
    private final long seed;
    private final Path runDir;

    public Trainer(TrainingTask task, TrainingConfig config, long seed, Path runDir) {
        this.task = task;
        this.config = config;
        this.seed = seed;
        this.runDir = runDir;
    }

    /** What a finished run reports. */
    public record Result(long steps, double finalLoss, double seconds) {}

    /**
     * Trains up to {@code config.totalSteps()} (or stops after {@code stopAfter} steps of this call,
     * for tests and time-boxed runs; 0 for no limit).
     */
    public Result run(boolean resume, long stopAfter) throws IOException, InterruptedException {
        List<Tensor> params = task.model().parameters();
        Checkpoint.requireSpace(runDir, params);
        Files.createDirectories(runDir.resolve("samples"));
        Optimization opt = optimization(params);
        long start = 0;
        if (resume) {
            start = Checkpoint.load(runDir, task.model(), task.average(), opt.optimizer(), opt.noise());
        }
        long end = stopAfter > 0 ? Math.min(config.totalSteps(), start + stopAfter) : config.totalSteps();
        LrSchedule schedule = config.schedule();
        task.model().train(true);
        long began = System.nanoTime();
        double loss = Double.NaN;
        Skips skips = new Skips();
        try (BatchLoader loader = new BatchLoader(task, config.batchSize(), seed, start, end);
             MetricsLog log = new MetricsLog(runDir.resolve("metrics.jsonl"), start);
             Progress progress = new Progress("train", config.totalSteps())) {
            progress.update(start, "");
            for (long step = start; step < end; step++) {
                HostBatch batch = loader.next();
                long t0 = System.nanoTime();
                double lr = schedule.at(step);
                long index = step;
                StepResult result = Scopes.freeing(() -> step(opt, batch, lr, index));
                loss = result.loss();
                skips.count(result, step + 1);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long done = step + 1;
                Map<String, Object> row = metricsRow(done, lr, result, skips.total, seconds);
                progress.update(done, String.format(Locale.ROOT, "loss %.4f lr %.2e %.1f img/s", loss, lr,
                        config.batchSize() / seconds));
                sampleAndCheckpoint(done, done == end, row, log, opt);
            }
        }
        return new Result(end, loss, (System.nanoTime() - began) / 1e9);
    }

    /** The optimiser over the task's parameters, the EMA of the weights, and the generator of the training noise. */
    private record Optimization(AdamW optimizer, TensorVector params, Ema ema, Generator noise) {
    }

    private Optimization optimization(List<Tensor> params) {
        TensorVector paramVector = new TensorVector(params.toArray(new Tensor[0]));
        AdamWOptions options = new AdamWOptions(config.learningRate());
        options.weight_decay().put(config.weightDecay());
        AdamW optimizer = new AdamW(paramVector, options);
        Ema ema = new Ema(task.model(), task.average(), config.emaDecay());
        return new Optimization(optimizer, paramVector, ema, Ops.generator(seed));
    }

    /** The non-finite steps of a run: all of them, and those in a row up to the last step. */
    private final class Skips {
        private long total;
        private int inRow;

        /** Counts step {@code done} (from 1) if it was skipped; stops the run after too many skips in a row. */
        void count(StepResult result, long done) {
            if (result.finite()) {
                inRow = 0;
                return;
            }
            total++;
            inRow++;
            System.err.printf(Locale.ROOT, "step %d skipped: loss %s, gradient norm %s (%d in a row, %d in this run)%n",
                    done, result.loss(), result.gradNorm(), inRow, total);
            if (inRow >= config.maxSkippedSteps()) {
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "training stopped at step %d: %d steps in a row had a non-finite loss or gradient "
                                + "(loss %s, gradient norm %s; training.maxSkippedSteps is %d); %s",
                        done, inRow, result.loss(), result.gradNorm(), config.maxSkippedSteps(),
                        config.gradClip() > 0 ? "lower training.learningRate"
                                : "lower training.learningRate or set training.gradClip (for example 1.0)"));
            }
        }
    }

    /** The {@code metrics.jsonl} row of step {@code done} (from 1), before any validation metrics. */
    private Map<String, Object> metricsRow(long done, double lr, StepResult result, long skipped, double seconds) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", done);
        row.put("loss", result.loss());
        row.put("lr", lr);
        row.put("grad_norm", result.gradNorm());
        row.put("skipped_steps", skipped);
        row.put("examples_per_s", config.batchSize() / seconds);
        row.put("rss_mib", Pointer.physicalBytes() >> 20);
        return row;
    }

    /**
     * After step {@code done}: the samples and validation metrics when due (added to {@code row}), the
     * metrics row, and the checkpoint and loss curve when due ({@code last}: the last step of this call).
     */
    private void sampleAndCheckpoint(long done, boolean last, Map<String, Object> row, MetricsLog log, Optimization opt)
            throws IOException {
        if (done % config.sampleEvery() == 0 || done == config.totalSteps()) {
            writeSamples(done);
            row.putAll(validate(done));
        }
        log.log(row);
        if (done % config.checkpointEvery() == 0 || last) {
            log.flush();
            requireFinite(task.model().parameters(), "the weights", done);
            requireFinite(task.average().parameters(), "the EMA weights", done);
            Checkpoint.save(runDir, done, task.model(), task.average(), opt.optimizer(), opt.noise());
            LossCurve.write(runDir.resolve("loss.png"), log.losses(), "training loss");
        }
    }

    /** A training step's loss, gradient norm before clipping, and whether both were finite (and the weights updated). */
    private record StepResult(double loss, double gradNorm, boolean finite) {
    }

    /** Forward, backward and gradient norm at {@code step}; updates the weights and the EMA only when both are finite. */
    private StepResult step(Optimization opt, HostBatch batch, double lr, long step) {
        AdamW optimizer = opt.optimizer();
        optimizer.param_groups().get(0).options().set_lr(lr);
        optimizer.zero_grad();
        Tensor lossTensor;
        try (Autocast a = Autocast.bf16(config.bf16())) {
            lossTensor = task.loss(batch, opt.noise());
        }
        lossTensor.backward();
        double loss = Ops.item(lossTensor);
        // The total norm before clipping (an infinite bound clips nothing).
        double gradNorm = torch.clip_grad_norm_(opt.params(), config.gradClip() > 0 ? config.gradClip() : Double.POSITIVE_INFINITY);
        boolean finite = Double.isFinite(loss) && Double.isFinite(gradNorm);
        if (finite) {
            optimizer.step();
            opt.ema().update(step);
        }
        return new StepResult(loss, gradNorm, finite);
    }

    /** Refuses to checkpoint a network with a non-finite value: the previous checkpoint stays the one to resume. */
    private static void requireFinite(List<Tensor> params, String what, long step) {
        if (!params.stream().allMatch(Ops::allFinite)) {
            throw new IllegalStateException(what + " hold a non-finite value at step " + step
                    + "; no checkpoint written (the previous one is intact)");
        }
    }

    /** The task's held-out metrics at {@code step}, also printed on one line. */
    private Map<String, Double> validate(long step) {
        Map<String, Double> metrics;
        metrics = Scopes.freeingNoGrad(task::validate);
        if (!metrics.isEmpty()) {
            StringBuilder line = new StringBuilder("validation at step " + step + ":");
            metrics.forEach((name, value) -> line.append(String.format(Locale.ROOT, " %s %.4f", name, value)));
            System.err.println(line);
        }
        return metrics;
    }

    private void writeSamples(long step) throws IOException {
        Scopes.freeing(() -> {
            Images.write(runDir.resolve(String.format("samples/step-%06d.png", step)), task.preview(Ops.generator(seed + 1)));
            return null;
        });
    }
}
