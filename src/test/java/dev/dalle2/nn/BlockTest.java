package dev.dalle2.nn;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static dev.dalle2.nn.NnTesting.*;

class BlockTest {
    @Test
    void resBlockStartsAsIdentityAndChangesChannels() {
        ResBlock same = new ResBlock(8, 8, 16, 0.0);
        Tensor x = Ops.randn(null, 2, 8, 6, 6);
        assertClose(Ops.toFloats(x), Ops.toFloats(same.forward(x, Ops.randn(null, 2, 16))), 1e-6);

        ResBlock wider = new ResBlock(8, 12, 16, 0.1);
        assertShape(wider.forward(x, Ops.randn(null, 2, 16)), 2, 12, 6, 6);
    }

    @Test
    void resBlockGradientsReachEveryParameter() {
        ResBlock block = new ResBlock(4, 8, 16, 0.0);
        Tensor x = Ops.randn(null, 2, 4, 5, 5);
        Tensor emb = Ops.randn(null, 2, 16);
        assertGradientsReachEveryParameter(block, () -> squares(block.forward(x, emb)));
    }

    @Test
    void transformerBlockShapesCausalityAndGradients() {
        TransformerBlock block = new TransformerBlock(16, 4, 4, true, Activation.QUICK_GELU, 0.0);
        Tensor x = Ops.randn(null, 2, 6, 16);
        assertShape(block.forward(x), 2, 6, 16);
        Tensor changed = x.clone();
        changed.narrow(1, 4, 2).fill_(Ops.scalar(-3));
        assertClose(Ops.toFloats(block.forward(x).narrow(1, 0, 4)),
                Ops.toFloats(block.forward(changed).narrow(1, 0, 4)), 1e-5);
        assertGradientsReachEveryParameter(block, () -> squares(block.forward(x)));
    }

    @Test
    void dropoutOnlyActsWhileTraining() {
        TransformerBlock block = new TransformerBlock(8, 2, 2, false, Activation.GELU, 0.5);
        Tensor x = Ops.randn(null, 1, 4, 8);
        block.train(false);
        assertClose(Ops.toFloats(block.forward(x)), Ops.toFloats(block.forward(x)), 0);
        block.train(true);
        float[] a = Ops.toFloats(block.forward(x));
        float[] b = Ops.toFloats(block.forward(x));
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(a, b), "dropout masks differ per call");
    }
}
