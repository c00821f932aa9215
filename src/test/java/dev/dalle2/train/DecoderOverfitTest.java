package dev.dalle2.train;

import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNet;
import dev.dalle2.decoder.UNetConfig;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.Prediction;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder must reproduce its single training image: the guard against noise-only samples. */
class DecoderOverfitTest {
    /** A red disc on a light background with a blue bar: [3, S, S] in [-1, 1]. */
    static float[] pattern(int s) {
        float[] img = new float[3 * s * s];
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                double dx = x - s * 0.4;
                double dy = y - s * 0.45;
                boolean disc = dx * dx + dy * dy < s * s * 0.06;
                boolean bar = y > s * 0.75 && y < s * 0.88;
                float[] rgb = disc ? new float[] {0.9f, -0.8f, -0.7f} : bar ? new float[] {-0.8f, -0.5f, 0.9f}
                        : new float[] {0.8f, 0.8f, 0.7f};
                for (int c = 0; c < 3; c++) {
                    img[c * s * s + y * s + x] = rgb[c];
                }
            }
        }
        return img;
    }

    static double psnr(float[] a, float[] b) {
        double mse = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] - b[i]) / 2.0; // images in [-1, 1] → peak-to-peak 1 after halving
            mse += d * d;
        }
        return 10 * Math.log10(1 / (mse / a.length));
    }

    @Test
    void decoderReproducesItsSingleTrainingImage(@TempDir Path run) throws Exception {
        
        Engine.seed(0);
        int s = 32;
        UNetConfig unet = UNetConfig.builder().imageSize(s).inChannels(3).outChannels(3).modelChannels(32)
                .channelMult(List.of(1, 2)).numResBlocks(1).attentionResolutions(List.of()).headWidth(32).dropout(0.0)
                .condDim(8).condTokens(2).build();
        UNet model = new UNet(unet);
        UNet average = new UNet(unet);
        float[] cond = {1, 0, 0, 0, 0, 0, 0, 1};
        ImageSet data = new ImageSet(new float[][] {pattern(s)}, s, new float[][] {cond});
        DiffusionConfig diffusion = new DiffusionConfig("cosine", 1000, Prediction.V);
        SamplingConfig sampling = new SamplingConfig("ddim", 25, 0.0, 1.0, "clip");
        TrainingConfig training = TrainingConfig.builder().batchSize(8).learningRate(2e-3).warmupSteps(20)
                .totalSteps(250).minLrRatio(0.1).weightDecay(0.0).emaDecay(0.95).gradClip(1.0)
                // bf16 autocast where the CPU has it natively: emulated, it made this test 14 times slower
                // (617 s against 44 s on an AMD Zen 3); ResumeAndPrecisionTest covers bf16 training on every CPU.
                .bf16(Engine.nativeBf16())
                .condDropProb(0.0).checkpointEvery(250).sampleEvery(250).sampleCount(1).build();
        Trainer.Result result = new Trainer(new DecoderTask(model, average, data, diffusion, sampling, 0.0, 1),
                training, 0, run).run(false, 0);
        assertTrue(result.finalLoss() < 0.05, "loss fell to " + result.finalLoss());

        try (PointerScope scope = new PointerScope()) {
            Tensor sample = DecoderSampling.sample(average, sampling.build(diffusion), 1.0, Ops.tensor(cond, 1, 8), null,
                    Ops.randn(Ops.generator(5), 1, 3, s, s), Ops.generator(5), null);
            double p = psnr(pattern(s), Ops.toFloats(sample));
            System.out.println("overfit PSNR " + p);
            assertTrue(p >= 20, "PSNR of the reproduction: " + p + " dB");
        }
        assertTrue(Files.exists(run.resolve("samples/step-000250.png")));
        assertTrue(Files.exists(run.resolve("loss.png")));
        assertTrue(Files.exists(run.resolve("checkpoint/ema.safetensors")));
        assertTrue(Files.readAllLines(run.resolve("metrics.jsonl")).size() == 250);
    }
}
