package dev.dalle2.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtensionTest {
    @Test
    void sidesByName() {
        assertEquals(new Extension(0, 16, 0, 0), Extension.of("right", 16));
        assertEquals(new Extension(8, 8, 8, 8), Extension.of("all", 8));
        assertThrows(IllegalArgumentException.class, () -> Extension.of("sideways", 8));
        assertThrows(IllegalArgumentException.class, () -> Extension.of("up", 0));
        assertThrows(IllegalArgumentException.class, () -> new Extension(-1, 2, 0, 0));
    }

    @Test
    void windowsCoverTheCanvasHalfOverlappingNearestTheOriginalFirst() {
        // a 64 px image grown by 40 px on the right: a 64 × 104 canvas, windows at x = 0, 32 and 40
        List<int[]> windows = Extension.windows(64, 104, 64, 32, 32);
        assertEquals(3, windows.size());
        assertArrayEquals(new int[] {0, 0}, windows.get(0));
        assertArrayEquals(new int[] {0, 32}, windows.get(1));
        assertArrayEquals(new int[] {0, 40}, windows.get(2));
    }

    @Test
    void everyPixelOfAGrownCanvasLiesInAWindow() {
        int s = 64;
        int h = s + 2 * 48;
        List<int[]> windows = Extension.windows(h, h, s, 48 + s / 2.0, 48 + s / 2.0);
        boolean[] covered = new boolean[h * h];
        for (int[] yx : windows) {
            assertTrue(yx[0] >= 0 && yx[1] >= 0 && yx[0] + s <= h && yx[1] + s <= h);
            for (int y = yx[0]; y < yx[0] + s; y++) {
                for (int x = yx[1]; x < yx[1] + s; x++) {
                    covered[y * h + x] = true;
                }
            }
        }
        for (boolean c : covered) {
            assertTrue(c);
        }
        assertEquals(16, windows.size(), "starts 0, 32, 64 and 96 on each axis");
        assertArrayEquals(new int[] {32, 32}, windows.get(0), "a window nearest the original (48, 48) comes first");
    }
}
