package dev.dalle2.eval;

import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Image→text recall and its standard error against values worked out by hand. */
class ClipEvaluationTest {
    @Test
    void recallCountsImagesWhoseLabelIsAmongTheKNearest() {
        try (PointerScope scope = new PointerScope()) {
            // labels along +x, +y and -x; the second image points at label 0 but belongs to label 2, ranked last
            Tensor labels = Ops.tensor(new float[] {1, 0, 0, 1, -1, 0}, 3, 2);
            Tensor images = Ops.tensor(new float[] {1, 0, 1, 0, 0, 1}, 3, 2);
            long[] labelOf = {0, 2, 1};
            assertEquals(2.0 / 3, ClipEvaluation.imageToTextRecall(images, labels, labelOf, 1), 1e-12);
            assertEquals(2.0 / 3, ClipEvaluation.imageToTextRecall(images, labels, labelOf, 2), 1e-12);
            assertEquals(1.0, ClipEvaluation.imageToTextRecall(images, labels, labelOf, 3), 1e-12);
        }
    }

    @Test
    void standardErrorIsBinomial() {
        assertEquals(0.0489898, ClipEvaluation.standardError(0.4, 100), 1e-7);
        assertEquals(0.25, ClipEvaluation.standardError(0.5, 4), 1e-12);
        assertEquals(0.0, ClipEvaluation.standardError(0.0, 50), 0.0);
        assertEquals(0.0, ClipEvaluation.standardError(1.0, 7), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.standardError(0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.standardError(1.2, 10));
        assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.standardError(Double.NaN, 10));
    }
}
