package dev.dalle2.data.shapes;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ShapesDatasetTest {
    @Test
    void loadsWhatTheGeneratorWrote(@TempDir Path dir) throws IOException {
        ShapesGenerator.generate(dir, 6, 32, 9, 0.5);
        List<ShapesDataset.Entry> entries = ShapesDataset.load(dir);
        assertEquals(6, entries.size());
        for (int i = 0; i < 6; i++) {
            ShapesGenerator.Sample sample = ShapesGenerator.sample(9, i, 0.5);
            assertEquals(new ShapesDataset.Entry(dir.resolve(String.format("images/%06d.png", i)), sample.caption(),
                    sample.attributes()), entries.get(i));
            assertEquals(32, entries.get(i).read().getWidth());
        }
    }

    @Test
    void parsesAttributesFromTheCaptionWhenALineHasNone(@TempDir Path dir) throws IOException {
        ShapesGenerator.generate(dir, 1, 32, 0, 0);
        Files.writeString(dir.resolve("captions.jsonl"),
                "{\"image\":\"images/000000.png\",\"caption\":\"a large green star left of a small pink cross\"}\n");
        ShapesDataset.Entry entry = ShapesDataset.load(dir).get(0);
        assertEquals(ShapeAttributes.parse("a large green star left of a small pink cross"), entry.attributes());
    }

    @Test
    void badFoldersAndLinesAreNamed(@TempDir Path dir) throws IOException {
        assertMessage(dir.resolve("none"), "no such folder");
        assertMessage(dir, "no captions.jsonl");
        ShapesGenerator.generate(dir.resolve("d"), 2, 32, 0, 0);
        Path captions = dir.resolve("d/captions.jsonl");
        String good = Files.readAllLines(captions).get(0);
        Files.writeString(captions, good + "\n{\"image\": \"images/000001.png\", \n");
        assertMessage(dir.resolve("d"), "captions.jsonl line 2: not JSON");
        Files.writeString(captions, good + "\n" + good.replace("000000", "000009") + "\n");
        assertMessage(dir.resolve("d"), "captions.jsonl line 2: image images/000009.png does not exist");
        Files.writeString(captions, "{\"image\":\"images/000000.png\",\"caption\":\"a small red blob\"}\n");
        assertMessage(dir.resolve("d"), "captions.jsonl line 1: caption \"a small red blob\": unknown shape 'blob'");
        Files.writeString(captions, "{\"image\":\"images/000000.png\"}\n");
        assertMessage(dir.resolve("d"), "line 1: expected an object with text fields 'image' and 'caption'");
        Files.writeString(captions, "\n");
        assertMessage(dir.resolve("d"), "lists no images");
    }

    private static void assertMessage(Path dir, String part) {
        IOException e = assertThrows(IOException.class, () -> ShapesDataset.load(dir));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
