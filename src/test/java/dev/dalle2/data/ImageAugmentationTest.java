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

    /** Blur only: no warp, no jitter, a blur every time. */
    private static float[] blurred(float[] src) {
        float[] out = new float[src.length];
        new ImageAugmentation(0, 0, 0, 1.0, 0).apply(src, 0, SIZE, new Random(3), out, 0);
        return out;
    }

    /*
     * The 3-tap Gaussian of σ 0.8, worked by hand: e^(−1/(2·0.64)) = e^−0.78125 = 0.457833, so the
     * taps are 0.457833 / 1.915666 = 0.238994 either side and 1 / 1.915666 = 0.522011 in the middle;
     * the 3×3 kernel is their outer product.
     */
    private static final double CENTRE = 0.272496; // 0.522011²
    private static final double BESIDE = 0.124758; // 0.522011 · 0.238994
    private static final double CORNER = 0.057118; // 0.238994²

    @Test
    void blurSpreadsABrightPixelOverItsNeighboursAndKeepsItsTotal() {
        float[] src = new float[3 * SIZE * SIZE];
        int px = 4;
        int py = 3;
        for (int ch = 0; ch < 3; ch++) {
            src[ch * SIZE * SIZE + py * SIZE + px] = ch == 1 ? -1f : 1f;
        }
        float[] out = blurred(src);
        for (int ch = 0; ch < 3; ch++) {
            double sign = ch == 1 ? -1 : 1;
            double total = 0;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int dx = Math.abs(x - px);
                    int dy = Math.abs(y - py);
                    double expected = dx > 1 || dy > 1 ? 0 : dx + dy == 0 ? CENTRE : dx + dy == 1 ? BESIDE : CORNER;
                    float v = out[ch * SIZE * SIZE + y * SIZE + x];
                    assertEquals(sign * expected, v, 1e-5, "channel " + ch + " at (" + x + ", " + y + ")");
                    total += v;
                }
            }
            assertEquals(sign, total, 1e-5, "the blur keeps the brightness of channel " + ch);
        }
    }

    @Test
    void blurSoftensAnEdgeAndKeepsTheMeanAndWhereTheEdgeIs() {
        float[] src = new float[3 * SIZE * SIZE];
        for (int i = 0; i < src.length; i++) {
            src[i] = i % SIZE < SIZE / 2 ? -1f : 1f; // dark left half, white right half
        }
        float[] out = blurred(src);
        assertEquals(src.length, out.length);
        double meanBefore = 0;
        double meanAfter = 0;
        for (int i = 0; i < src.length; i++) {
            meanBefore += src[i] / src.length;
            meanAfter += out[i] / src.length;
        }
        assertEquals(meanBefore, meanAfter, 1e-6, "mean brightness");
        double varianceBefore = 0;
        double varianceAfter = 0;
        for (int i = 0; i < src.length; i++) {
            varianceBefore += Math.pow(src[i] - meanBefore, 2) / src.length;
            varianceAfter += Math.pow(out[i] - meanAfter, 2) / src.length;
        }
        assertTrue(varianceAfter < varianceBefore - 0.1, "variance " + varianceBefore + " -> " + varianceAfter);
        for (int i = 0; i < src.length; i++) {
            int x = i % SIZE;
            // the two columns at the edge each take 0.238994 of the other side: ±(1 − 2·0.238994) = ±0.522011
            double expected = x == SIZE / 2 - 1 ? -0.522011 : x == SIZE / 2 ? 0.522011 : src[i];
            assertEquals(expected, out[i], 1e-5, "column " + x);
        }
    }

    @Test
    void rejectsOutOfRangeSettings() {
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(1.0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(0, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmentation(0, 0, 0, 1.5, 0));
    }
}
