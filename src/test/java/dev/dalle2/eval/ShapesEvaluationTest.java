package dev.dalle2.eval;

import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeMatch;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The totals and the report {@code eval shapes} and {@code eval decoder} print, for counts worked out by hand. */
class ShapesEvaluationTest {
    private static final ShapeAttributes ONE = ShapeAttributes.parse("a small red circle");
    private static final ShapeAttributes TWO = ShapeAttributes.parse("a small red circle above a large blue square");

    /** Four one-shape images (shape right 3, colour right 2, both 1) and two two-shape ones (relation right 1). */
    private static ShapesEvaluation known() {
        ShapesEvaluation e = new ShapesEvaluation();
        e.add(ONE, new ShapeMatch(true, true, null));
        e.add(ONE, new ShapeMatch(true, false, null));
        e.add(ONE, new ShapeMatch(true, false, null));
        e.add(ONE, new ShapeMatch(false, true, null));
        e.add(TWO, new ShapeMatch(true, true, true));
        e.add(TWO, new ShapeMatch(true, true, false));
        return e;
    }

    @Test
    void theTableNamesEachAccuracyInItsPlace() throws IOException {
        assertEquals(String.format("""
                images              6%n\
                one-shape images    4%n\
                  shape right       75.0%%%n\
                  colour right      50.0%%%n\
                  both right        25.0%%%n\
                two-shape images    2%n\
                  relation right    50.0%%%n"""), known().report(false));
    }

    @Test
    void theJsonHoldsTheSameNumbersAndNullForNone() throws IOException {
        assertEquals("{\"images\":6,\"one_shape_images\":4,\"shape_accuracy\":0.75,\"colour_accuracy\":0.5,"
                + "\"both_accuracy\":0.25,\"two_shape_images\":2,\"relation_accuracy\":0.5}" + System.lineSeparator(),
                known().report(true));
        ShapesEvaluation one = new ShapesEvaluation();
        one.add(ONE, new ShapeMatch(false, true, null));
        assertEquals("{\"images\":1,\"one_shape_images\":1,\"shape_accuracy\":0.0,\"colour_accuracy\":1.0,"
                + "\"both_accuracy\":0.0,\"two_shape_images\":0,\"relation_accuracy\":null}" + System.lineSeparator(),
                one.report(true));
        assertEquals("  relation right    -", one.report(false).lines().toList().get(6));
    }
}
