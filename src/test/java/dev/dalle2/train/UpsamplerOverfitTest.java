package dev.dalle2.train;

import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNet;
import dev.dalle2.decoder.UNetConfig;
import dev.dalle2.decoder.Upsampling;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.Prediction;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.dalle2.train.DecoderOverfitTest.pattern;
import static dev.dalle2.train.DecoderOverfitTest.psnr;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The upsampler, trained on crops of one image, must restore that image from its low-resolution version. */
class UpsamplerOverfitTest {
    @Test
    void upsamplerRestoresItsSingleTrainingImage(@TempDir Path run) throws Exception {
        Engine.seed(0);
        int s = 32;
        UNetConfig unet = UNetConfig.builder().imageSize(s).inChannels(6).outChannels(3).modelChannels(32)
                .channelMult(List.of(1, 2)).numResBlocks(1).attentionResolutions(List.of()).headWidth(32).dropout(0.0)
                .condDim(0).condTokens(0).build();
        UNet model = new UNet(unet);
        UNet average = new UNet(unet);
        float[] image = pattern(s);
        ImageSet data = new ImageSet(new float[][] {image}, s, null);
        DiffusionConfig diffusion = new DiffusionConfig("cosine", 1000, Prediction.V);
        SamplingConfig sampling = new SamplingConfig("ddim", 25, 0.0, 1.0, "clip");
        TrainingConfig training = TrainingConfig.builder().batchSize(8).learningRate(2e-3).warmupSteps(20)
                .totalSteps(500).minLrRatio(0.1).weightDecay(0.0).emaDecay(0.95).gradClip(1.0)
                // bf16 autocast where the CPU has it natively: emulated, it made this test nine times slower
                // (303 s against 33 s on an AMD Zen 3); ResumeAndPrecisionTest covers bf16 training on every CPU.
                .bf16(Engine.nativeBf16())
                .condDropProb(0.0).checkpointEvery(500).sampleEvery(500).sampleCount(1).build();
        new Trainer(new UpsamplerTask(model, average, data, diffusion, sampling, 1), training, 0, run).run(false, 0);

        try (PointerScope scope = new PointerScope()) {
            Tensor full = Ops.tensor(image, 1, 3, s, s);
            Tensor bilinear = Upsampling.upsample(Upsampling.downsample(full));
            Tensor restored = DecoderSampling.sample(average, sampling.build(diffusion), 1.0, null, bilinear,
                    Ops.randn(Ops.generator(5), 1, 3, s, s), Ops.generator(5), null);
            double p = psnr(image, Ops.toFloats(restored));
            double baseline = psnr(image, Ops.toFloats(bilinear));
            System.out.printf("upsampler overfit PSNR %.2f dB (bilinear %.2f dB)%n", p, baseline);
            assertTrue(p >= 20, "PSNR of the restoration: " + p + " dB");
            assertTrue(p > baseline + 1, "the upsampler (" + p + " dB) beats bilinear upsampling (" + baseline + " dB)");
        }
    }
}
