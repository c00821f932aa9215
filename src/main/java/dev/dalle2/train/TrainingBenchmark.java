package dev.dalle2.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNet;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.nn.Autocast;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Measures a recipe's U-Net on random data with the real {@link Trainer}: training images/s
 * (mean over the steps after the warm-up, from the trainer's own per-step timings), milliseconds
 * per sampling step (one guided DDIM step at a given batch), and the peak resident memory of the
 * process during each phase (Linux's VmHWM, reset before the phase).
 */
public final class TrainingBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingBenchmark() {}

    public record Result(String precision, double imagesPerSecond, double msPerSamplingStep, long peakTrainMiB,
                         long peakSampleMiB) {}

    public static Result run(RunConfig config, boolean bf16, int warmup, int steps, int sampleBatch, int sampleSteps,
                             Path scratch) throws IOException, InterruptedException {
        TrainingConfig base = config.training();
        TrainingConfig t = base.toBuilder().warmupSteps(0).totalSteps(warmup + steps).bf16(bf16)
                .checkpointEvery(1_000_000).sampleEvery(1_000_000).sampleCount(1)
                .maxSkippedSteps(TrainingConfig.DEFAULT_MAX_SKIPPED_STEPS).build();
        TrainingRun.Networks<UNet> nets = TrainingRun.Networks.seeded(config.seed(), () -> new UNet(config.unet()));
        UNet average = nets.average();
        ImageSet data = randomData(config, Math.max(64, base.batchSize()));
        TrainingTask task = UNetTraining.task(config, nets, data, t.condDropProb(), 1);

        resetPeakMemory();
        Path run = Files.createTempDirectory(scratch, "bench");
        new Trainer(task, t, config.seed(), run).run(false, 0);
        long trainPeak = peakMemoryMiB();
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        double sum = 0;
        for (String line : lines.subList(warmup, lines.size())) {
            sum += JSON.readTree(line).get("examples_per_s").asDouble();
        }

        resetPeakMemory();
        average.train(false);
        Sampler sampler = config.sampling().withSteps(sampleSteps).build(config.diffusion());
        int s = config.unet().imageSize();
        long started = Scopes.freeing(() -> {
            try (Autocast a = Autocast.bf16(bf16)) {
                Tensor noise = Ops.randn(Ops.generator(1), sampleBatch, 3, s, s);
                Tensor embedding = config.unet().condDim() > 0 ? Ops.randn(null, sampleBatch, config.unet().condDim()) : null;
                Tensor lowRes = config.kind().equals("upsampler") ? noise : null;
                DecoderSampling.sample(average, sampler, config.sampling().guidance(), embedding, lowRes, noise, null, null);
                long timed = System.nanoTime();
                DecoderSampling.sample(average, sampler, config.sampling().guidance(), embedding, lowRes, noise, null, null);
                return timed;
            }
        });
        double msPerStep = (System.nanoTime() - started) / 1e6 / sampleSteps;
        return new Result(bf16 ? "bf16" : "fp32", sum / steps, msPerStep, trainPeak, peakMemoryMiB());
    }

    private static ImageSet randomData(RunConfig config, int n) {
        int s = config.unet().imageSize();
        float[][] pixels = new float[n][];
        float[][] conds = config.unet().condDim() > 0 ? new float[n][] : null;
        Scopes.freeing(() -> {
            for (int i = 0; i < n; i++) {
                pixels[i] = Ops.toFloats(Ops.clamp(Ops.randn(null, 3, s, s), -1, 1));
                if (conds != null) {
                    conds[i] = Ops.toFloats(Ops.randn(null, config.unet().condDim()));
                }
            }
            return null;
        });
        return new ImageSet(pixels, s, conds);
    }

    /** Resets the kernel's peak-RSS mark of this process (Linux); silently does nothing elsewhere. */
    private static void resetPeakMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException e) {
            // the peak then covers the whole process so far
        }
    }

    /** The process's peak resident memory (VmHWM) in MiB, or -1 when unknown. */
    static long peakMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    public static Map<String, Object> toMap(Result r) {
        return Map.of("precision", r.precision(), "train_images_per_s", r.imagesPerSecond(),
                "ms_per_sampling_step", r.msPerSamplingStep(), "peak_train_mib", r.peakTrainMiB(),
                "peak_sample_mib", r.peakSampleMiB());
    }
}
