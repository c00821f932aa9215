package dev.dalle2.data;

import java.awt.image.BufferedImage;

/**
 * Inpainting masks as the commands read them: a picture where light pixels (mean of R, G, B at least 128, alpha
 * composited over black, so transparent pixels keep) mark what to repaint, or a rectangle. A mask is a
 * {@code boolean[H·W]} row by row, true = repaint, at the size of the image it belongs to; {@link #square} brings
 * it to a model's size the way {@link SquareImages#square} brings the image: the same centred square, scaled so
 * that a pixel repaints when any source pixel it covers does (a mask never shrinks away).
 */
public final class Masks {
    private Masks() {}

    /** The repaint mask a picture draws (see the class comment). */
    public static boolean[] fromImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        boolean[] repaint = new boolean[w * h];
        for (int i = 0; i < argb.length; i++) {
            int a = argb[i] >>> 24;
            int sum = ((argb[i] >> 16) & 0xff) + ((argb[i] >> 8) & 0xff) + (argb[i] & 0xff);
            repaint[i] = sum * a >= 3 * 128 * 255;
        }
        return repaint;
    }

    /**
     * The rectangle of width {@code bw} and height {@code bh} with its top-left corner at ({@code x}, {@code y}) on a
     * W × H image; an IllegalArgumentException unless it has pixels and lies inside the image.
     */
    public static boolean[] box(int w, int h, int x, int y, int bw, int bh) {
        if (bw < 1 || bh < 1) {
            throw new IllegalArgumentException("the box must be at least 1 pixel wide and high, got " + bw + "x" + bh);
        }
        if (x < 0 || y < 0 || x + bw > w || y + bh > h) {
            throw new IllegalArgumentException("the box " + x + "," + y + "," + bw + "," + bh + " does not lie inside the "
                    + w + "x" + h + " image");
        }
        boolean[] repaint = new boolean[w * h];
        for (int r = y; r < y + bh; r++) {
            for (int c = x; c < x + bw; c++) {
                repaint[r * w + c] = true;
            }
        }
        return repaint;
    }

    /** Pixels of {@code mask} that repaint. */
    public static int count(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /**
     * A W × H mask as S × S values, 1 = repaint and 0 = keep, row by row: the centred square of side min(W, H)
     * (as {@link SquareImages#square} cuts it), each target pixel repainting when any source pixel it covers does.
     */
    public static float[] square(boolean[] mask, int w, int h, int size) {
        if (mask.length != w * h) {
            throw new IllegalArgumentException("a " + w + "x" + h + " mask needs " + w * h + " values, got " + mask.length);
        }
        int side = Math.min(w, h);
        int x0 = (w - side) / 2;
        int y0 = (h - side) / 2;
        float[] out = new float[size * size];
        for (int r = 0; r < size; r++) {
            int rFrom = (int) ((long) r * side / size);
            int rTo = Math.max(rFrom + 1, (int) (((long) r + 1) * side + size - 1) / size);
            for (int c = 0; c < size; c++) {
                int cFrom = (int) ((long) c * side / size);
                int cTo = Math.max(cFrom + 1, (int) (((long) c + 1) * side + size - 1) / size);
                out[r * size + c] = any(mask, w, x0, y0, rFrom, rTo, cFrom, cTo) ? 1 : 0;
            }
        }
        return out;
    }

    private static boolean any(boolean[] mask, int w, int x0, int y0, int rFrom, int rTo, int cFrom, int cTo) {
        for (int r = rFrom; r < rTo; r++) {
            for (int c = cFrom; c < cTo; c++) {
                if (mask[(y0 + r) * w + x0 + c]) {
                    return true;
                }
            }
        }
        return false;
    }
}
