package dev.dalle2.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The README's main job draws, pixel for pixel, the images committed in {@code src/test/resources/golden/emoji}
 * (made before a refactoring): a change meant to move code must not change what the shipped model draws. It runs
 * in fp32: the default, bf16 where the CPU has it natively, would make the pixels depend on the CPU's flags.
 */
class ShippedModelImagesTest {
    private static final String STEM = "an-emoji-of-a-red-apple-s0";

    @Test
    void theDefaultModelDrawsTheCommittedImages(@TempDir Path out) throws IOException {
        CliRun run = CliRun.run("generate", "an emoji of a red apple", "--out", out.toString(), "--precision", "fp32");
        assertEquals(0, run.code(), run.err());
        for (String name : List.of("-1", "-2", "-3", "-4", "-sheet")) {
            String file = STEM + name + ".png";
            BufferedImage expected;
            try (InputStream in = getClass().getResourceAsStream("/golden/emoji/" + file)) {
                assertNotNull(in, file);
                expected = ImageIO.read(in);
            }
            assertTrue(Files.isRegularFile(out.resolve(file)), file);
            BufferedImage actual = ImageIO.read(out.resolve(file).toFile());
            assertEquals(expected.getWidth(), actual.getWidth(), file);
            assertEquals(expected.getHeight(), actual.getHeight(), file);
            int differing = 0;
            for (int y = 0; y < expected.getHeight(); y++) {
                for (int x = 0; x < expected.getWidth(); x++) {
                    differing += expected.getRGB(x, y) != actual.getRGB(x, y) ? 1 : 0;
                }
            }
            assertEquals(0, differing, file + ": pixels that differ from the committed image");
        }
    }
}
