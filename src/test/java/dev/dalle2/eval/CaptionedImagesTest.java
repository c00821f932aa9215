package dev.dalle2.eval;

import dev.dalle2.io.Images;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one writer of generated images and their captions: names, contents, and no captions.jsonl after a failure. */
class CaptionedImagesTest {
    @TempDir
    Path dir;

    @Test
    void writesNumberedImagesAndThenTheirCaptionsInOrder() throws IOException {
        CaptionedImages images = new CaptionedImages(dir);
        assertEquals("images/000000.png", add(images, -1, "a small red circle"));
        assertEquals("images/000001.png", add(images, 1, "a \"quoted\" café ✓"));
        assertEquals(2, images.count());
        assertTrue(Files.isRegularFile(dir.resolve("images/000001.png")), "each image is written as it comes");
        assertFalse(Files.exists(dir.resolve("captions.jsonl")), "the captions wait for finish");

        images.finish();
        assertEquals("""
                {"image":"images/000000.png","caption":"a small red circle"}
                {"image":"images/000001.png","caption":"a \\"quoted\\" café ✓"}
                """, Files.readString(dir.resolve("captions.jsonl")));
        Scopes.freeing(() -> {
            Tensor white = Images.read(dir.resolve("images/000001.png"));
            assertEquals(List.of(3L, 4L, 2L), List.of(white.size(0), white.size(1), white.size(2)));
            assertEquals(1.0, Ops.item(white.min()), 1e-6);
            return null;
        });
        assertEquals(List.of("captions.jsonl", "images", "images/000000.png", "images/000001.png"), files());
    }

    @Test
    void anImageThatCannotBeWrittenLeavesNoCaptionsAndNoTemporaryFile() throws IOException {
        Files.createDirectories(dir.resolve("images/000001.png/taken"));
        CaptionedImages images = new CaptionedImages(dir);
        add(images, 0, "a small red circle");
        IOException e = assertThrows(IOException.class, () -> add(images, 0, "a large blue square"));
        assertTrue(e.getMessage().startsWith(dir.resolve("images/000001.png").toAbsolutePath().toString()), e.getMessage());
        assertEquals(1, images.count(), "the failed image is not counted");
        assertEquals(List.of("images", "images/000000.png", "images/000001.png", "images/000001.png/taken"), files(),
                "no captions.jsonl and no temporary file");
    }

    /** Adds a [3, 4, 2] image of one grey level in [-1, 1]. */
    private static String add(CaptionedImages images, double level, String caption) throws IOException {
        return Scopes.freeing(() -> images.add(Ops.full(level, 3, 4, 2), caption));
    }

    /** Every path under the folder, relative to it, sorted. */
    private List<String> files() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
