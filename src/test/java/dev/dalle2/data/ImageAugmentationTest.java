package dev.dalle2.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageAugmentationTest {
    private static final int SIZE = 8;

    /** A [3, 8, 8] image in [-1, 1] with a different value at every pixel and channel. */
    private static float[] gradient() {
        float[] image = new float[3 * SIZE * SIZE];
        for (int i = 0; i < image.length; i++) {
            image[i] = -1 + 2f * i / image.length;
        }
        return image;
    }

    @Test
    void noneCopiesTheImage() {
        float[] src = gradient();
        float[] dst = new float[src.length];
        ImageAugmentation.NONE.apply(src, 0, SIZE, new Random(1), dst, 0);
        assertArrayEquals(src, dst);
        assertFalse(ImageAugmentation.NONE.enabled());
    }

    @Test
    void aShiftMovesPixelsAndFillsWithWhite() {
        float[] src = gradient();
        float[] out = new float[src.length];
        ImageAugmentation.warp(src, 0, SIZE, 1, 0, 1, 0, out);
        for (int ch = 0; ch < 3; ch++) {
            for (int y = 0; y < SIZE; y++) {
                int row = ch * SIZE * SIZE + y * SIZE;
                assertEquals(1f, out[row], "the uncovered column is white");
                for (int x = 1; x < SIZE; x++) {
                    assertEquals(src[row + x - 1], out[row + x], 1e-6);
                }
            }
        }
    }

    @Test
    void rotationsCompose() {
        float[] src = gradient();
        float[] quarter = new float[src.length];
        float[] back = new float[src.length];
        ImageAugmentation.warp(src, 0, SIZE, 1, Math.PI / 2, 0, 0, quarter);
        ImageAugmentation.warp(quarter, 0, SIZE, 1, -Math.PI / 2, 0, 0, back);
        assertArrayEquals(src, back, 1e-5f);
        boolean moved = false;
        for (int i = 0; i < src.length; i++) {
            moved |= Math.abs(src[i] - quarter[i]) > 1e-3;
        }
        assertTrue(moved);
    }

    @Test
    void aZoomAboutTheCentreKeepsTheCentre() {
        float[] src = new float[3 * SIZE * SIZE];
        Arrays.fill(src, -1f);
        float[] out = new float[src.length];
        ImageAugmentation.warp(src, 0, SIZE, 0.5, 0, 0, 0, out);
        assertEquals(-1f, out[3 * SIZE + 3], 1e-6, "the centre still shows the image");
        assertEquals(1f, out[0], 1e-6, "a zoom out shows white at the corners");
    }

    @Test
    void drawsAreSeededAndStayInRange() {
        ImageAugmentation strong = new ImageAugmentation(0.2, 15, 0.1, 1.0, 0.3);
        float[] src = gradient();
        float[] a = new float[src.length];
        float[] b = new float[src.length];
        float[] c = new float[src.length];
        strong.apply(src, 0, SIZE, new Random(7), a, 0);
        strong.apply(src, 0, SIZE, new Random(7), b, 0);
        strong.apply(src, 0, SIZE, new Random(8), c, 0);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        for (float v : a) {
            assertTrue(v >= -1 && v <= 1, "value " + v);
        }
    }

    @Test
    void blurKeepsAPlainImagePlain() {
        ImageAugmentation blurOnly = new ImageAugmentation(0, 0, 0, 1.0, 0);
        float[] src = new float[3 * SIZE * SIZE];
        Arrays.fill(src, 0.25f);
        float[] out = new float[src.length];
        blurOnly.apply(src, 0, SIZE, new Random(3), out, 0);
        assertArrayEquals(src, out, 1e-6f);
    }

    @Test
    void rejectsOutOfRangeSettings() {
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(1.0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(0, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(0, 0, 0, 1.5, 0));
    }
}
