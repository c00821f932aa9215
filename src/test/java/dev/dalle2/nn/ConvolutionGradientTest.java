package dev.dalle2.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The random NaN of U-Net training (issue 21, docs/reliability.md): libtorch's oneDNN convolution
 * backward, for a layer whose output channels are not a multiple of its 16-channel block (a U-Net's
 * last layer, 32 → 3), reads weight padding that it never zeroed. Freed heap memory full of NaN right
 * before each step makes that stale read land on NaN far more often than by chance: with the plain
 * {@code torch.conv2d} it failed at iterations 0, 9 and 21 in three runs on an AVX-512 machine.
 */
class ConvolutionGradientTest {
    private static final int ITERATIONS = 100;

    @Test
    void gradientsStayFiniteWhenFreedMemoryHoldsNaN() {
        Conv2d conv = new Conv2d(32, 3, 3);
        for (int i = 0; i < ITERATIONS; i++) {
            try (PointerScope scope = new PointerScope()) {
                poisonFreedMemory();
                Tensor x = Ops.randn(null, 8, 32, 32, 32).set_requires_grad(true);
                for (Tensor p : conv.parameters()) {
                    if (p.grad().defined()) {
                        p.grad().zero_();
                    }
                }
                conv.forward(x).square().sum().backward();
                assertFinite(x.grad(), "input gradient, iteration " + i);
                for (var e : conv.namedParameters().entrySet()) {
                    assertFinite(e.getValue().grad(), e.getKey() + " gradient, iteration " + i);
                }
            }
        }
    }

    /**
     * In bf16 the same fault gives wrong outputs and weight gradients for output channels that are not
     * a multiple of 16, and wrong input gradients for such input channels: each must stay within bf16's
     * rounding of the fp32 result (about 0.3% here; the faulty kernels were 30-100% off or NaN).
     */
    @Test
    void bf16ConvolutionMatchesFp32ForAnyChannelCount() {
        for (long in : new long[] {3, 8, 32}) {
            for (long out : new long[] {3, 8, 32}) {
                Conv2d conv = new Conv2d(in, out, 3);
                for (int rep = 0; rep < 3; rep++) {
                    try (PointerScope scope = new PointerScope()) {
                        poisonFreedMemory();
                        Tensor x = Ops.randn(null, 2, in, 8, 8);
                        Tensor[] full = outputAndGradients(conv, x, false);
                        Tensor[] half = outputAndGradients(conv, x, true);
                        String[] names = {"output", "input gradient", "weight gradient"};
                        for (int i = 0; i < 3; i++) {
                            double err = Ops.item(half[i].sub(full[i]).abs().max()) / Ops.item(full[i].abs().max());
                            assertTrue(err < 0.03, "bf16 " + names[i] + " of a " + in + " -> " + out + " convolution is off by "
                                    + err + " of its range");
                        }
                    }
                }
            }
        }
    }

    private static Tensor[] outputAndGradients(Conv2d conv, Tensor x0, boolean bf16) {
        Tensor x = x0.detach().set_requires_grad(true);
        Tensor w = conv.namedParameters().get("weight");
        if (w.grad().defined()) {
            w.grad().zero_();
        }
        Tensor y;
        try (Autocast a = Autocast.bf16(bf16)) {
            y = conv.forward(x).to(org.bytedeco.pytorch.global.torch.ScalarType.Float);
        }
        y.square().sum().backward();
        return new Tensor[] {y, x.grad().clone(), w.grad().clone()};
    }

    @Test
    void paddedConvolutionEqualsThePlainOne() {
        for (long out : new long[] {3, 6, 16, 20}) {
            Conv2d conv = new Conv2d(out == 16 ? 5 : 16, out, 3);
            Tensor x = Ops.randn(null, 2, conv.namedParameters().get("weight").size(1), 8, 8);
            Tensor expected = org.bytedeco.pytorch.global.torch.conv2d(x, conv.namedParameters().get("weight"),
                    new org.bytedeco.pytorch.TensorOptional(conv.namedParameters().get("bias")),
                    new long[] {1, 1}, new long[] {1, 1}, new long[] {1, 1}, 1);
            assertArrayEquals(expected.shape(), conv.forward(x).shape());
            NnTesting.assertClose(Ops.toFloats(expected), Ops.toFloats(conv.forward(x)), 1e-5);
        }
    }

    /** Allocates, fills with NaN and frees buffers of the sizes oneDNN asks for, so malloc hands them out again. */
    private static void poisonFreedMemory() {
        for (long floats : new long[] {16 * 32 * 9, 1 << 12, 1 << 14, 1 << 16, 1 << 18}) {
            for (int k = 0; k < 4; k++) {
                Tensor t = Ops.full(Double.NaN, floats);
                t.close();
            }
        }
    }

    private static void assertFinite(Tensor t, String what) {
        assertTrue(t.defined(), "no " + what);
        assertTrue(Ops.allFinite(t), "non-finite " + what);
    }
}
