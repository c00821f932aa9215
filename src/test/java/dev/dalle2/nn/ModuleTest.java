package dev.dalle2.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModuleTest {
    @Test
    void parametersHaveStableDottedNames() {
        TransformerBlock block = new TransformerBlock(8, 2, 4, false, Activation.GELU, 0);
        assertEquals(List.of("layer_norm1.weight", "layer_norm1.bias",
                "self_attn.q_proj.weight", "self_attn.q_proj.bias", "self_attn.k_proj.weight", "self_attn.k_proj.bias",
                "self_attn.v_proj.weight", "self_attn.v_proj.bias", "self_attn.out_proj.weight", "self_attn.out_proj.bias",
                "layer_norm2.weight", "layer_norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"),
                List.copyOf(block.namedParameters().keySet()));
        assertEquals(2 * 8 * 2 + 4 * (8 * 8 + 8) + (8 * 32 + 32) + (32 * 8 + 8), block.parameterCount());
    }

    @Test
    void loadReportsEveryProblemByName() {
        Linear l = new Linear(3, 2);
        Map<String, Tensor> state = new HashMap<>();
        state.put("weight", Ops.zeros(3, 2));
        state.put("extra", Ops.zeros(1));
        Module.LoadReport report = l.load(state, false);
        assertEquals(List.of("bias"), report.missing());
        assertEquals(List.of("extra"), report.unexpected());
        assertEquals(1, report.wrongShape().size());
        assertTrue(report.wrongShape().get(0).startsWith("weight [3, 2]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.load(state, true));
        assertEquals("3 tensors do not fit Linear (1 of another shape, 1 missing, 1 unexpected): weight [3, 2] != expected [2, 3]; "
                + "bias missing … and 1 more", e.getMessage());
    }

    @Test
    void strictLoadChangesNothingOnError() {
        Linear l = new Linear(2, 2);
        float[] before = Ops.toFloats(l.weight());
        assertThrows(IllegalArgumentException.class, () -> l.load(Map.of("weight", Ops.zeros(2, 2)), true));
        assertArrayEquals(before, Ops.toFloats(l.weight()));
    }

    @Test
    void oneSeedFixesInitialisation() {
        Engine.seed(7);
        float[] a = Ops.toFloats(new Linear(4, 4).weight());
        Engine.seed(7);
        float[] b = Ops.toFloats(new Linear(4, 4).weight());
        Engine.seed(8);
        float[] c = Ops.toFloats(new Linear(4, 4).weight());
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void parametersOutliveTheScopeTheyWereMadeIn() {
        Linear l;
        try (PointerScope scope = new PointerScope()) {
            l = new Linear(64, 64);
            l.forward(Ops.randn(null, 2, 64));
        }
        System.gc();
        assertArrayEquals(new long[] {2, 64}, l.forward(Ops.randn(null, 2, 64)).shape());
        assertTrue(Double.isFinite(Ops.item(l.weight().sum())));
    }

    @Test
    void duplicateNamesAreRejected() {
        class Twice extends Module {
            Twice() {
                parameter("w", Ops.zeros(1));
                parameter("w", Ops.zeros(1));
            }
        }
        assertThrows(IllegalArgumentException.class, Twice::new);
    }
}
