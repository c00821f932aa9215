package dev.dalle2.nn;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class EngineTest {
    @Test
    void threadsEqualCores() {
        assertEquals(Runtime.getRuntime().availableProcessors(), Engine.threads());
    }

    /** Regression: a device chosen inside a caller's scope was freed with it. */
    @Test
    void devicesChosenInsideAScopeOutliveIt() {
        try (PointerScope scope = new PointerScope()) {
            Engine.useDevice("cpu");
        }
        assertTrue(Engine.device().is_cpu());
        assertArrayEquals(new float[] {0, 0}, Ops.toFloats(Ops.zeros(2)));
    }

    @Test
    void arraysRoundTrip() {
        float[] data = {1.5f, -2, 3, 4, 5, 6};
        Tensor t = Ops.tensor(data, 2, 3);
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertArrayEquals(data, Ops.toFloats(t));
        assertArrayEquals(new long[] {3, -1, 7}, Ops.toLongs(Ops.longTensor(new long[] {3, -1, 7}, 3)));
        assertThrows(IllegalArgumentException.class, () -> Ops.tensor(data, 4, 2));
    }

    @Test
    void generatorsAreReproducible() {
        assertArrayEquals(Ops.toFloats(Ops.randn(Ops.generator(3), 5)), Ops.toFloats(Ops.randn(Ops.generator(3), 5)));
        assertFalse(java.util.Arrays.equals(Ops.toFloats(Ops.randn(Ops.generator(3), 5)),
                Ops.toFloats(Ops.randn(Ops.generator(4), 5))), "different seeds give different draws");
    }

    /** PyTorch on the CPU: {@code torch.manual_seed(0); torch.randn(5)} prints these (to four decimals). */
    @Test
    void aSeededGeneratorDrawsWhatPyTorchDraws() {
        assertArrayEquals(new float[] {1.5410f, -0.2934f, -2.1788f, 0.5684f, -1.0845f},
                Ops.toFloats(Ops.randn(Ops.generator(0), 5)), 1e-4f);
    }

    @Test
    void autocastRunsConvolutionsInBf16AndRestores() {
        Conv2d conv = new Conv2d(3, 4, 3);
        Tensor x = Ops.randn(null, 1, 3, 8, 8);
        Tensor full = conv.forward(x);
        try (Autocast a = Autocast.bf16(true)) {
            Tensor half = conv.forward(x);
            assertEquals(torch.ScalarType.BFloat16, half.scalar_type().intern());
            float[] f = Ops.toFloats(full);
            float[] h = Ops.toFloats(half);
            for (int i = 0; i < f.length; i++) {
                assertEquals(f[i], h[i], 0.05 + 0.02 * Math.abs(f[i]));
            }
        }
        assertFalse(Autocast.active());
        assertEquals(torch.ScalarType.Float, conv.forward(x).scalar_type().intern());
    }

    /** Regression: autocast caches bf16 copies of weights; each region must see the current weights. */
    @Test
    void autocastSeesUpdatedWeights() {
        Linear l = new Linear(4, 4);
        Tensor x = Ops.ones(1, 4);
        float[] before;
        try (Autocast a = Autocast.bf16(true)) {
            before = Ops.toFloats(l.forward(x));
        }
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            l.weight().add_(Ops.ones(4, 4));
        }
        try (Autocast a = Autocast.bf16(true)) {
            float[] after = Ops.toFloats(l.forward(x));
            for (int i = 0; i < 4; i++) {
                assertEquals(before[i] + 4, after[i], 0.05, "output " + i);
            }
        }
    }

    /** A scoped training loop must hold native memory flat. */
    @Test
    void scopedTrainingStepsHoldMemoryFlat() {
        Linear model = new Linear(64, 64);
        AdamW optimizer = new AdamW(new TensorVector(model.parameters().toArray(new Tensor[0])), new AdamWOptions(1e-3));
        long after100 = 0;
        for (int step = 0; step < 2000; step++) {
            try (PointerScope scope = new PointerScope()) {
                optimizer.zero_grad();
                Tensor loss = model.forward(Ops.randn(null, 8, 64)).square().mean();
                loss.backward();
                optimizer.step();
            }
            if (step == 100) {
                after100 = Pointer.physicalBytes();
            }
        }
        long growth = Pointer.physicalBytes() - after100;
        assertTrue(growth < 10L << 20, "resident memory grew by " + (growth >> 20) + " MiB over 1900 steps");
    }
}
