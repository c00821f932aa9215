package dev.dalle2.data.shapes;

import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ShapeScorerTest {
    /** Fraction of freshly generated images (seed 7, half with two shapes) whose every criterion is right. */
    private static double accuracy(int size, int count) {
        int right = 0;
        for (int i = 0; i < count; i++) {
            ShapesGenerator.Sample s = ShapesGenerator.sample(7, i, 0.5);
            ShapeMatch m = ShapeScorer.matches(s.attributes(), ShapeRenderer.render(s.attributes(), size));
            right += m.all() ? 1 : 0;
        }
        double accuracy = (double) right / count;
        System.out.printf("scorer accuracy at %d px over %d images: %.3f%n", size, count, accuracy);
        return accuracy;
    }

    @Test
    void scoresGeneratedImagesAt32Pixels() {
        assertTrue(accuracy(32, 200) >= 0.98);
    }

    @Test
    void scoresGeneratedImagesAt64Pixels() {
        assertTrue(accuracy(64, 200) >= 0.98);
    }

    @Test
    void findsEveryKindAndColourWithItsPlace() {
        for (ShapeType type : ShapeType.values()) {
            for (ShapeColour colour : ShapeColour.values()) {
                ShapeSpec left = new ShapeSpec(type, colour, ShapeSize.SMALL, 0.22, 0.5, 0.28);
                ShapeSpec right = new ShapeSpec(ShapeType.SQUARE, ShapeColour.values()[(colour.ordinal() + 3) % 8],
                        ShapeSize.LARGE, 0.7, 0.45, 0.4);
                ShapeAttributes a = new ShapeAttributes(List.of(left, right), Relation.LEFT_OF, Background.LIGHT_GREY);
                List<DetectedShape> found = ShapeScorer.score(ShapeRenderer.render(a, 48));
                assertEquals(2, found.size());
                DetectedShape small = found.get(1);
                assertEquals(type, small.shape(), () -> type + " " + colour);
                assertEquals(colour, small.colour(), () -> type + " " + colour);
                assertEquals(0.22, small.x(), 0.04);
                assertEquals(0.5, small.y(), 0.04);
                assertTrue(small.fit() > 0.8, () -> type + " fit " + small.fit());
            }
        }
    }

    @Test
    void aBlankImageHoldsNoShapeAndMatchesNothing() {
        BufferedImage blank = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = blank.createGraphics();
        g.setColor(Background.BEIGE.color());
        g.fillRect(0, 0, 32, 32);
        g.dispose();
        assertTrue(ShapeScorer.score(blank).isEmpty());
        assertFalse(ShapeScorer.matches(ShapeAttributes.parse("a small red circle"), blank).all());
        ShapeMatch pair = ShapeScorer.matches(ShapeAttributes.parse("a small red circle above a large blue square"), blank);
        assertEquals(new ShapeMatch(false, false, false), pair);
    }

    @Test
    void wrongCaptionsAreCaught() {
        ShapeAttributes drawn = ShapeAttributes.parse("a small red circle above a large blue square");
        BufferedImage image = ShapeRenderer.render(drawn, 64);
        assertEquals(new ShapeMatch(true, true, true), ShapeScorer.matches(drawn, image));
        assertEquals(new ShapeMatch(true, true, false),
                ShapeScorer.matches(ShapeAttributes.parse("a small red circle below a large blue square"), image));
        assertEquals(new ShapeMatch(false, true, null),
                ShapeScorer.matches(ShapeAttributes.parse("a large blue star"), ShapeRenderer.render(
                        ShapeAttributes.parse("a large blue diamond"), 32)));
        assertEquals(new ShapeMatch(true, false, null),
                ShapeScorer.matches(ShapeAttributes.parse("a large blue star"), ShapeRenderer.render(
                        ShapeAttributes.parse("a large purple star"), 32)));
    }
}
