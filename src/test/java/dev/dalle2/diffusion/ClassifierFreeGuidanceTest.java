package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.dalle2.diffusion.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClassifierFreeGuidanceTest {
    private final List<Long> batches = new ArrayList<>();
    /** out = x_t · c + t/1000 + e (e broadcast from [B, 1]). */
    private final Denoiser model = (xt, t, cond) -> {
        batches.add(xt.size(0));
        Tensor time = Ops.mul(t.to(org.bytedeco.pytorch.global.torch.ScalarType.Float), 1e-3).reshape(-1, 1);
        return xt.mul(cond.get("c")).add(time).add(cond.get("e"));
    };
    private final Tensor xt = Ops.randn(Ops.generator(1), 3, 4);
    private final Tensor t = Ops.longTensor(new long[] {5, 500, 999}, 3);
    private final Map<String, Tensor> cond = Map.of("c", Ops.randn(Ops.generator(2), 3, 4), "e", Ops.full(0.5, 3, 1));
    private final Map<String, Tensor> uncond = Map.of("c", Ops.zeros(3, 4), "e", Ops.zeros(3, 1));

    @Test
    void scaleOneGivesTheConditionalPredictionInOneBatchedCall() {
        Tensor guided = new ClassifierFreeGuidance(model, uncond, 1.0).predict(xt, t, cond);
        assertEquals(List.of(6L), batches, "one forward on the doubled batch");
        assertClose(model.predict(xt, t, cond), guided, 1e-6);
    }

    @Test
    void scaleSExtrapolatesFromUnconditionalToConditional() {
        double s = 3.5;
        Tensor guided = new ClassifierFreeGuidance(model, uncond, s).predict(xt, t, cond);
        Tensor c = model.predict(xt, t, cond);
        Tensor u = model.predict(xt, t, uncond);
        assertClose(Ops.addScaled(u, c.sub(u), s), guided, 1e-5);
    }

    @Test
    void mismatchedKeysOrShapesAreRejected() {
        ClassifierFreeGuidance cfg = new ClassifierFreeGuidance(model, uncond, 2);
        assertThrows(IllegalArgumentException.class, () -> cfg.predict(xt, t, Map.of("c", cond.get("c"))));
        assertThrows(IllegalArgumentException.class,
                () -> cfg.predict(xt, t, Map.of("c", cond.get("c"), "e", Ops.zeros(3, 2))));
    }
}
