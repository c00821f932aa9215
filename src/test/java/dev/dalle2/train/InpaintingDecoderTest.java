package dev.dalle2.train;

import dev.dalle2.decoder.UNet;
import dev.dalle2.decoder.UNetConfig;
import dev.dalle2.decoder.UNetDenoiser;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.Prediction;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The GLIDE-style inpainting decoder: it starts as the decoder it is widened from, and training reaches its new inputs. */
class InpaintingDecoderTest {
    private static UNetConfig config(int inChannels) {
        return UNetConfig.builder().imageSize(16).inChannels(inChannels).outChannels(3).modelChannels(16)
                .channelMult(List.of(1, 2)).numResBlocks(1).attentionResolutions(List.of(8)).headWidth(8).dropout(0.0)
                .condDim(8).condTokens(2).build();
    }

    @Test
    void aWidenedDecoderComputesWhatTheDecoderDidWhateverItsNewInputs() {
        Scopes.freeingNoGrad(() -> {
            Engine.seed(1);
            UNet decoder = new UNet(config(3));
            UNet inpainting = new UNet(config(7));
            assertTrue(inpainting.config().inpainting());
            inpainting.load(Checkpoint.widened(decoder.namedParameters(), inpainting, "decoder"), true);
            Tensor x = Ops.randn(Ops.generator(2), 2, 3, 16, 16);
            Tensor t = Ops.longTensor(new long[] {10, 700}, 2);
            Tensor e = Ops.randn(Ops.generator(3), 2, 8);
            Tensor extra = Ops.randn(Ops.generator(4), 2, 4, 16, 16);
            Tensor before = decoder.forward(x, t, e);
            Tensor after = new UNetDenoiser(inpainting).predict(x, t, Map.of(UNetDenoiser.EMBEDDING, e, UNetDenoiser.INPAINT, extra));
            assertArrayEquals(Ops.toFloats(before), Ops.toFloats(after));
            return null;
        });
    }

    @Test
    void trainingTeachesTheNewInputChannels() {
        Engine.seed(5);
        UNet model = new UNet(config(7));
        UNet average = new UNet(config(7));
        // a fresh U-Net's output layer is zero, so no gradient would reach any input: give it a trained-like start
        UNet decoder = new UNet(config(3));
        Scopes.freeingNoGrad(() -> {
            decoder.namedParameters().values().forEach(p -> p.add_(Ops.mul(Ops.randn(Ops.generator(6), p.shape()), 0.05)));
            return null;
        });
        model.load(Checkpoint.widened(decoder.namedParameters(), model, "decoder"), true);
        int n = 4;
        Random random = new Random(1);
        float[][] pixels = new float[n][3 * 16 * 16];
        for (float[] image : pixels) {
            for (int i = 0; i < image.length; i++) {
                image[i] = (float) (2 * random.nextDouble() - 1);
            }
        }
        ImageSet data = new ImageSet(pixels, 16, new float[n][8]);
        DecoderTask task = new DecoderTask(model, average, data, new DiffusionConfig("cosine", 100, Prediction.EPSILON, null),
                new SamplingConfig("ddim", 2, 0, 1, "none"), 0.0, 2);
        HostBatch batch = task.load(new int[] {0, 1, 2, 3}, new Random(7));
        assertArrayEquals(new long[] {4, 1, 16, 16}, batch.arrays().get("mask").shape());
        Scopes.freeing(() -> {
            Tensor loss = task.loss(batch, Ops.generator(3));
            loss.backward();
            Tensor grad = model.namedParameters().get("conv_in.weight").grad();
            double newInputs = Ops.item(grad.narrow(1, 3, 4).abs().sum());
            assertTrue(newInputs > 0, "no gradient reaches the new input channels");
            return null;
        });
    }

    @Test
    void randomMasksAreReproducibleAndOfEveryKind() {
        int s = 32;
        int whole = 0;
        int partial = 0;
        Random one = new Random(9);
        Random other = new Random(9);
        for (int k = 0; k < 200; k++) {
            float[] a = dev.dalle2.data.Masks.random(one, s);
            assertArrayEquals(a, dev.dalle2.data.Masks.random(other, s));
            double sum = 0;
            for (float v : a) {
                assertTrue(v == 0 || v == 1);
                sum += v;
            }
            assertTrue(sum > 0, "mask " + k + " paints nothing");
            whole += sum == s * s ? 1 : 0;
            partial += sum < s * s ? 1 : 0;
        }
        assertTrue(whole > 5 && whole < 40, "whole-image masks: " + whole);
        assertEquals(200, whole + partial);
    }
}
