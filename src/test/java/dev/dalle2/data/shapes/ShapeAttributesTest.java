package dev.dalle2.data.shapes;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ShapeAttributesTest {
    private static ShapeSpec spec(ShapeType t, ShapeColour c, ShapeSize s) {
        return new ShapeSpec(t, c, s, 0.5, 0.5, s.extent(1));
    }

    private static void assertSameMeaning(ShapeAttributes expected, ShapeAttributes actual) {
        assertArrayEquals(expected.toVector(), actual.toVector());
        assertEquals(expected.relation(), actual.relation());
        assertEquals(expected.background(), actual.background());
        for (int i = 0; i < expected.shapes().size(); i++) {
            ShapeSpec e = expected.shapes().get(i);
            ShapeSpec a = actual.shapes().get(i);
            assertEquals(List.of(e.shape(), e.colour(), e.size()), List.of(a.shape(), a.colour(), a.size()));
        }
    }

    @Test
    void vectorHasAFixedLayoutOfOneHotBlocks() {
        assertEquals(17, ShapeAttributes.SLOT);
        assertEquals(2 * 17 + 4 + 4, ShapeAttributes.vectorSize());
        float[] one = ShapeAttributes.parse("a small red circle").toVector();
        assertEquals(ShapeAttributes.vectorSize(), one.length);
        assertEquals(List.of(0, 1, 7, 15, 34 + 4), ones(one)); // present, circle, red, small, white
        float[] two = ShapeAttributes.parse("a large pink cross left of a small blue star on a dark grey background").toVector();
        // slot 0: present, cross (1+5), pink (7+7), large (15+1); slot 1 from 17: present, star (18+4), blue (24+5), small (32);
        // relation "left of" at 34+2; background "dark grey" at 38+2
        assertEquals(List.of(0, 6, 14, 16, 17, 22, 29, 32, 36, 40), ones(two));
    }

    private static List<Integer> ones(float[] v) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            assertTrue(v[i] == 0 || v[i] == 1);
            if (v[i] == 1) {
                at.add(i);
            }
        }
        return at;
    }

    @Test
    void everyOneShapeCaptionParsesBack() {
        for (ShapeType t : ShapeType.values()) {
            for (ShapeColour c : ShapeColour.values()) {
                for (ShapeSize s : ShapeSize.values()) {
                    for (Background b : Background.values()) {
                        ShapeAttributes a = new ShapeAttributes(List.of(spec(t, c, s)), null, b);
                        for (boolean withBackground : new boolean[] {false, true}) {
                            String caption = a.caption(withBackground);
                            assertSameMeaning(a, ShapeAttributes.parse(caption));
                            assertEquals(withBackground || b != Background.WHITE, caption.endsWith(" background"), caption);
                        }
                    }
                }
            }
        }
        assertEquals("a small red circle", ShapeAttributes.parse("a small red circle").caption(false));
        assertEquals("a large yellow triangle on a beige background",
                ShapeAttributes.parse("a large yellow triangle on a beige background").caption(false));
    }

    @Test
    void everyTwoShapeCaptionParsesBack() {
        for (Relation r : Relation.values()) {
            for (Background b : Background.values()) {
                for (ShapeType t : ShapeType.values()) {
                    ShapeAttributes a = new ShapeAttributes(List.of(spec(t, ShapeColour.GREEN, ShapeSize.SMALL),
                            spec(ShapeType.values()[(t.ordinal() + 1) % 6], ShapeColour.CYAN, ShapeSize.LARGE)), r, b);
                    for (boolean withBackground : new boolean[] {false, true}) {
                        assertSameMeaning(a, ShapeAttributes.parse(a.caption(withBackground)));
                    }
                }
            }
        }
        assertEquals("a small red circle above a large blue square",
                ShapeAttributes.parse("A small red circle  above a large blue square.").caption(false));
    }

    @Test
    void parsedCaptionsGetTheNominalLayout() {
        ShapeAttributes one = ShapeAttributes.parse("a large blue square");
        assertEquals(new ShapeSpec(ShapeType.SQUARE, ShapeColour.BLUE, ShapeSize.LARGE, 0.5, 0.5, 0.65), one.shapes().get(0));
        ShapeAttributes two = ShapeAttributes.parse("a large blue square below a large red circle");
        ShapeSpec square = two.shapes().get(0);
        ShapeSpec circle = two.shapes().get(1);
        assertEquals(0.5, square.x());
        assertEquals(0.5, circle.x());
        assertEquals(Relation.BELOW, Relation.between(square.x(), square.y(), circle.x(), circle.y()));
        assertEquals(0.4, square.extent());
    }

    @Test
    void unknownWordsAreNamed() {
        assertMessage("a small magenta circle", "unknown colour 'magenta'");
        assertMessage("a small red blob", "unknown shape 'blob'");
        assertMessage("a tiny red circle", "unknown size 'tiny'");
        assertMessage("a small red circle beside a large blue square", "unknown relation 'beside'");
        assertMessage("a small red circle on a green background", "unknown background 'green'");
        assertMessage("the small red circle", "expected 'a' but found 'the'");
        assertMessage("a small red", "expected a shape");
        assertMessage("a small red circle on a white background please", "unexpected 'please'");
    }

    @Test
    void tryParseReadsWhatParseReadsAndIsEmptyWhereParseFails() {
        for (String caption : List.of("a small red circle", "an small red circle",
                "A large pink cross left of a small blue star on a dark grey background.")) {
            assertEquals(Optional.of(ShapeAttributes.parse(caption)), ShapeAttributes.tryParse(caption), caption);
        }
        for (String caption : List.of("an emoji of a red apple", "a small red", "a small red circle beside a large blue square",
                "a small red circle on a green background", "a small red circle on a white", "a small red circle please",
                "a small red circle on a white background please", "")) {
            assertEquals(Optional.empty(), ShapeAttributes.tryParse(caption), caption);
            assertThrows(IllegalArgumentException.class, () -> ShapeAttributes.parse(caption), caption);
        }
    }

    private static void assertMessage(String caption, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShapeAttributes.parse(caption));
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains(caption), e.getMessage());
    }

    @Test
    void jsonRoundTripsExactly() {
        ShapeAttributes a = ShapesGenerator.sample(5, 3, 1).attributes();
        assertEquals(a, ShapeAttributes.fromJson(a.toJson()));
        assertEquals("{\"shapes\":[{\"shape\":\"circle\",\"colour\":\"red\",\"size\":\"small\",\"x\":0.5,\"y\":0.5,"
                + "\"extent\":0.35}],\"relation\":null,\"background\":\"white\"}",
                ShapeAttributes.parse("a small red circle").toJson().toString());
        var bad = ShapeAttributes.parse("a small red circle").toJson();
        bad.put("background", "plaid");
        assertThrows(IllegalArgumentException.class, () -> ShapeAttributes.fromJson(bad));
    }

    @Test
    void relationsNeedExactlyTwoShapes() {
        ShapeSpec s = spec(ShapeType.STAR, ShapeColour.RED, ShapeSize.SMALL);
        assertThrows(IllegalArgumentException.class, () -> new ShapeAttributes(List.of(s), Relation.ABOVE, Background.WHITE));
        assertThrows(IllegalArgumentException.class, () -> new ShapeAttributes(List.of(s, s), null, Background.WHITE));
        assertThrows(IllegalArgumentException.class, () -> new ShapeAttributes(List.of(), null, Background.WHITE));
    }
}
