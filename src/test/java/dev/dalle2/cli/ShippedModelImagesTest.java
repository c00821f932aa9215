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
 *
 * <p>Even in fp32, libtorch's kernels round differently on AVX2 and AVX-512 CPUs (both run CI): the images drawn on
 * an AVX2 CPU (AMD Zen 3) differ from those committed on an AVX-512 one in 3 and in 2 of the 4,096 pixels of two of
 * the four images, by one level. So a pixel may differ by {@value #LEVELS} levels and {@value #PIXELS_PER_MILLE}‰ of
 * the pixels may differ; the smallest real change tried, a guidance scale of 3.01 instead of 3, changes 8% to 15% of
 * the pixels of every image.
 */
class ShippedModelImagesTest {
    private static final String STEM = "an-emoji-of-a-red-apple-s0";
    /** The largest difference of one channel of one pixel that rounding explains. */
    static final int LEVELS = 2;
    /** The share of pixels, in thousandths, that may differ at all. */
    static final int PIXELS_PER_MILLE = 10;

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
            int largest = 0;
            for (int y = 0; y < expected.getHeight(); y++) {
                for (int x = 0; x < expected.getWidth(); x++) {
                    int e = expected.getRGB(x, y);
                    int a = actual.getRGB(x, y);
                    differing += e != a ? 1 : 0;
                    for (int shift = 0; shift < 24; shift += 8) {
                        largest = Math.max(largest, Math.abs(((e >> shift) & 255) - ((a >> shift) & 255)));
                    }
                }
            }
            int pixels = expected.getWidth() * expected.getHeight();
            assertTrue(differing * 1000 <= pixels * PIXELS_PER_MILLE,
                    file + ": " + differing + " of " + pixels + " pixels differ from the committed image");
            assertTrue(largest <= LEVELS, file + ": a channel differs by " + largest + " levels from the committed image");
        }
    }
}
