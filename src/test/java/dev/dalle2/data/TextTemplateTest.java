package dev.dalle2.data;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Texts kept as resources with {@code {name}} placeholders (the dataset builders' README.md and LICENSES.md). */
class TextTemplateTest {
    @Test
    void fillsEveryPlaceholderAndLeavesOtherBracesAlone() {
        assertEquals("# a {count} $1\n\n`{\"image\": …}` and 3 of 3\n",
                TextTemplate.fill(TextTemplateTest.class, "template.md", Map.of("title", "a {count} $1", "count", "3")));
    }

    @Test
    void aMissingValueAnUnusedOneOrAMissingResourceIsAnError() {
        assertEquals("dev/dalle2/data/template.md: no value for {count}", assertThrows(IllegalStateException.class,
                () -> TextTemplate.fill(TextTemplateTest.class, "template.md", Map.of("title", "t"))).getMessage());
        assertEquals("dev/dalle2/data/template.md: no placeholder for [colour]", assertThrows(IllegalStateException.class,
                () -> TextTemplate.fill(TextTemplateTest.class, "template.md", Map.of("title", "t", "count", "1", "colour", "red")))
                .getMessage());
        assertEquals("dev/dalle2/data/none.md: no such resource", assertThrows(IllegalStateException.class,
                () -> TextTemplate.fill(TextTemplateTest.class, "none.md", Map.of())).getMessage());
    }
}
