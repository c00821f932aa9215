package dev.dalle2.data;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MasksTest {
    @Test
    void lightOpaquePixelsRepaintAndDarkOrTransparentOnesKeep() {
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0xffffffff); // white
        image.setRGB(1, 0, 0xff808080); // mid grey: mean 128
        image.setRGB(2, 0, 0xff7f7f7f); // just below
        image.setRGB(3, 0, 0x00ffffff); // transparent white
        boolean[] m = Masks.fromImage(image);
        assertArrayEquals(new boolean[] {true, true, false, false}, m);
    }

    @Test
    void aBoxMustHavePixelsAndLieInsideTheImage() {
        boolean[] m = Masks.box(4, 3, 1, 1, 2, 2);
        assertEquals(4, Masks.count(m));
        assertTrue(m[1 * 4 + 1] && m[2 * 4 + 2]);
        assertFalse(m[0] || m[3]);
        assertEquals("the box must be at least 1 pixel wide and high, got 0x2",
                assertThrows(IllegalArgumentException.class, () -> Masks.box(4, 3, 1, 1, 0, 2)).getMessage());
        assertEquals("the box 3,1,2,2 does not lie inside the 4x3 image",
                assertThrows(IllegalArgumentException.class, () -> Masks.box(4, 3, 3, 1, 2, 2)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Masks.box(4, 3, -1, 0, 1, 1));
    }

    @Test
    void scalingDownRepaintsAPixelWhenAnyPixelItCoversDoes() {
        boolean[] one = new boolean[64 * 64];
        one[5 * 64 + 7] = true;
        float[] small = Masks.square(one, 64, 64, 32);
        assertEquals(1, sum(small));
        assertEquals(1, small[2 * 32 + 3]);
    }

    @Test
    void theMaskIsCutToTheImagesCentredSquareAndScaledUpByNearestPixel() {
        // 6 × 4: the centred square is columns 1..4; column 0 and 5 are cut away
        boolean[] m = new boolean[6 * 4];
        m[0] = true;            // cut away
        m[1 * 6 + 1] = true;    // square (0, 1)
        float[] out = Masks.square(m, 6, 4, 8);
        assertEquals(4, sum(out));
        assertEquals(1, out[2 * 8]);
        assertEquals(1, out[3 * 8 + 1]);
        assertEquals(0, out[0]);
    }

    @Test
    void theSameSizeKeepsTheMaskAsItIs() {
        boolean[] m = Masks.box(8, 8, 2, 3, 4, 2);
        float[] out = Masks.square(m, 8, 8, 8);
        for (int i = 0; i < m.length; i++) {
            assertEquals(m[i] ? 1 : 0, out[i]);
        }
    }

    private static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
