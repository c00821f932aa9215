package dev.dalle2.nn;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ScopesTest {
    @Test
    void freesTemporariesAndHandsTheResultToTheCallersScope() {
        Tensor[] temporary = new Tensor[1];
        Tensor result;
        try (PointerScope outer = new PointerScope()) {
            Tensor x = Ops.tensor(new float[] {1, 2, 3}, 3);
            result = Scopes.keepResult(() -> {
                temporary[0] = Ops.mul(x, 2);
                return Ops.add(temporary[0], 1);
            });
            assertTrue(temporary[0].isNull(), "the temporary is freed when the body ends");
            assertArrayEquals(new float[] {3, 5, 7}, Ops.toFloats(result));
            assertFalse(x.isNull(), "inputs stay alive");
        }
        assertTrue(result.isNull(), "the result belongs to the caller's scope");
    }

    @Test
    void resultMayBeAnInput() {
        try (PointerScope outer = new PointerScope()) {
            Tensor x = Ops.tensor(new float[] {4}, 1);
            Tensor same = Scopes.keepResult(() -> x);
            assertArrayEquals(new float[] {4}, Ops.toFloats(same));
            assertArrayEquals(new float[] {4}, Ops.toFloats(x));
        }
    }

    @Test
    void keepResultsFreesTemporariesAndHandsEveryResultToTheCallersScope() {
        Tensor[] temporary = new Tensor[1];
        Tensor[] results;
        try (PointerScope outer = new PointerScope()) {
            Tensor x = Ops.tensor(new float[] {1, 2}, 2);
            results = Scopes.keepResults(() -> {
                temporary[0] = Ops.mul(x, 2);
                return new Tensor[] {Ops.add(temporary[0], 1), Ops.add(temporary[0], -1)};
            });
            assertTrue(temporary[0].isNull(), "the temporary is freed when the body ends");
            assertArrayEquals(new float[] {3, 5}, Ops.toFloats(results[0]));
            assertArrayEquals(new float[] {1, 3}, Ops.toFloats(results[1]));
        }
        assertTrue(results[0].isNull() && results[1].isNull(), "the results belong to the caller's scope");
    }

    @Test
    void freeingFreesEverythingTheBodyMade() throws Exception {
        Tensor[] made = new Tensor[1];
        float[] read = Scopes.freeing(() -> {
            made[0] = Ops.tensor(new float[] {5, 6}, 2);
            return Ops.toFloats(made[0]);
        });
        assertArrayEquals(new float[] {5, 6}, read);
        assertTrue(made[0].isNull(), "what the body made is freed, even without an outer scope");
    }

    @Test
    void noGradTurnsGradientsOffInsideAndRestoresThemAfter() {
        assertTrue(GradMode.is_enabled());
        try (PointerScope outer = new PointerScope()) {
            Tensor w = Ops.ones(2).set_requires_grad(true);
            Tensor y = Scopes.noGrad(() -> {
                assertFalse(GradMode.is_enabled(), "gradients are off inside");
                return Ops.mul(w, 3);
            });
            assertTrue(GradMode.is_enabled(), "gradients are back on after");
            assertFalse(y.requires_grad(), "autograd recorded nothing");
            assertArrayEquals(new float[] {3, 3}, Ops.toFloats(y), "the result stays in the caller's scope");
            assertTrue(Ops.mul(w, 3).requires_grad());
        }
    }

    @Test
    void noGradRestoresGradientsWhenTheBodyFails() {
        assertThrows(IllegalStateException.class, () -> Scopes.noGrad(() -> {
            throw new IllegalStateException("fails");
        }));
        assertTrue(GradMode.is_enabled());
        assertThrows(IllegalStateException.class, () -> Scopes.freeingNoGrad(() -> {
            throw new IllegalStateException("fails");
        }));
        assertTrue(GradMode.is_enabled());
    }

    @Test
    void freeingNoGradTurnsGradientsOffAndFreesEverythingTheBodyMade() {
        Tensor[] made = new Tensor[1];
        try (PointerScope outer = new PointerScope()) {
            Tensor w = Ops.ones(2).set_requires_grad(true);
            boolean recorded = Scopes.freeingNoGrad(() -> {
                assertFalse(GradMode.is_enabled(), "gradients are off inside");
                made[0] = Ops.mul(w, 3);
                return made[0].requires_grad();
            });
            assertFalse(recorded, "autograd recorded nothing");
            assertTrue(made[0].isNull(), "what the body made is freed when it ends");
            assertTrue(GradMode.is_enabled(), "gradients are back on after");
            assertFalse(w.isNull(), "inputs stay alive");
        }
    }

    @Test
    void iterateKeepsOnlyTheCurrentValueAndHandsTheLastToTheCallersScope() {
        List<Tensor> values = new ArrayList<>();
        List<Tensor> temporaries = new ArrayList<>();
        List<Integer> done = new ArrayList<>();
        Tensor last;
        try (PointerScope outer = new PointerScope()) {
            Tensor start = Ops.tensor(new float[] {1}, 1);
            last = Scopes.iterate(start, 3, (x, k) -> {
                temporaries.add(Ops.mul(x, 2));
                Tensor next = Ops.add(temporaries.get(temporaries.size() - 1), k);
                values.add(next);
                return next;
            }, done::add);
            assertEquals(List.of(0, 1, 2), done);
            assertArrayEquals(new float[] {12}, Ops.toFloats(last), "((1·2 + 0)·2 + 1)·2 + 2");
            assertTrue(temporaries.stream().allMatch(t -> t.isNull()), "each step's temporaries are freed");
            assertTrue(values.get(0).isNull() && values.get(1).isNull(), "earlier values are freed");
            assertArrayEquals(new float[] {1}, Ops.toFloats(start), "the start is left untouched");
            assertSame(start, Scopes.iterate(start, 0, (x, k) -> Ops.mul(x, 2), null), "no steps: the start");
        }
        assertTrue(last.isNull(), "the last value belongs to the caller's scope");
    }
}
