package dev.dalle2.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class SplitTest {
    private static CaptionDataset.Entry entry(String key, String group) {
        return new CaptionDataset.Entry(key, List.of("a caption"), null, group);
    }

    @Test
    void parsesEveryFormAndPrintsItBack() {
        assertEquals(Split.fraction(0.05), Split.parse("fraction:0.05"));
        assertEquals(Split.group("twemoji"), Split.parse("group:twemoji"));
        assertSame(Split.NONE, Split.parse("none"));
        for (String spec : new String[] {"none", "fraction:0.05", "group:twemoji"}) {
            assertEquals(spec, Split.parse(spec).toString());
        }
        for (String bad : new String[] {"", "fraction:", "fraction:x", "fraction:1.5", "fraction:-0.1", "group:", "half"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Split.parse(bad), bad);
            assertTrue(e.getMessage().contains("split") || e.getMessage().contains("fraction"), e.getMessage());
        }
    }

    @Test
    void aFractionSplitIsStableAndAboutTheRightSize() {
        // the first 8 bytes of SHA-256, mod 10000, as any other implementation computes them
        assertEquals(2250, Split.bucket("a"));
        assertEquals(5641, Split.bucket("x_000001"));
        Split split = Split.parse("fraction:0.1");
        List<CaptionDataset.Entry> entries = IntStream.range(0, 1000).mapToObj(i -> entry("img" + i + "_" + i, null)).toList();
        long validation = entries.stream().filter(split::isValidation).count();
        assertTrue(validation >= 70 && validation <= 130, "about 100 of 1000: " + validation);
        for (CaptionDataset.Entry e : entries) {
            assertEquals(split.isValidation(e), Split.fraction(0.1).isValidation(e), "same answer on every call");
            if (split.isValidation(e)) {
                assertTrue(Split.fraction(0.2).isValidation(e), "a larger fraction keeps every validation entry");
            }
        }
        assertTrue(entries.stream().noneMatch(Split.fraction(0)::isValidation));
        assertTrue(entries.stream().allMatch(Split.fraction(1)::isValidation));
    }

    @Test
    void aGroupSplitHoldsOutExactlyThatGroup() {
        Split split = Split.parse("group:openmoji");
        assertTrue(split.isValidation(entry("a", "openmoji")));
        assertFalse(split.isValidation(entry("a", "noto")));
        assertFalse(split.isValidation(entry("a", null)));
        assertFalse(Split.NONE.isValidation(entry("a", "openmoji")));
    }
}
