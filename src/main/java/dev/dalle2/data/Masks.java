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

    /**
     * A random training mask for an inpainting decoder, S × S values with 1 = repaint: with probability 0.4 a box
     * (sides a quarter to three quarters of S, anywhere), 0.3 one to four brush strokes (random walks, 2 to 5 px
     * wide), 0.2 a band along one edge (an eighth to a half of S: outpainting) and 0.1 everything (plain generation).
     */
    public static float[] random(java.util.Random random, int size) {
        float[] m = new float[size * size];
        double kind = random.nextDouble();
        if (kind < 0.4) {
            int w = size / 4 + random.nextInt(size / 2 + 1);
            int h = size / 4 + random.nextInt(size / 2 + 1);
            fill(m, size, random.nextInt(size - w + 1), random.nextInt(size - h + 1), w, h);
        } else if (kind < 0.7) {
            int strokes = 1 + random.nextInt(4);
            for (int k = 0; k < strokes; k++) {
                stroke(m, size, random);
            }
        } else if (kind < 0.9) {
            int band = size / 8 + random.nextInt(size / 2 - size / 8 + 1);
            switch (random.nextInt(4)) {
                case 0 -> fill(m, size, 0, 0, band, size);
                case 1 -> fill(m, size, size - band, 0, band, size);
                case 2 -> fill(m, size, 0, 0, size, band);
                default -> fill(m, size, 0, size - band, size, band);
            }
        } else {
            java.util.Arrays.fill(m, 1);
        }
        return m;
    }

    private static void fill(float[] m, int size, int x, int y, int w, int h) {
        for (int r = y; r < y + h; r++) {
            for (int c = x; c < x + w; c++) {
                m[r * size + c] = 1;
            }
        }
    }

    /** A random walk of 4 to 12 segments, each a disc-brushed line. */
    private static void stroke(float[] m, int size, java.util.Random random) {
        double x = random.nextInt(size);
        double y = random.nextInt(size);
        double radius = 1 + random.nextInt(3);
        int segments = 4 + random.nextInt(9);
        double angle = random.nextDouble() * 2 * Math.PI;
        for (int k = 0; k < segments; k++) {
            angle += (random.nextDouble() - 0.5) * Math.PI;
            double length = size / 16.0 + random.nextDouble() * size / 6.0;
            for (double d = 0; d <= length; d += 0.5) {
                double px = x + d * Math.cos(angle);
                double py = y + d * Math.sin(angle);
                for (int r = (int) Math.floor(py - radius); r <= (int) Math.ceil(py + radius); r++) {
                    for (int c = (int) Math.floor(px - radius); c <= (int) Math.ceil(px + radius); c++) {
                        if (r >= 0 && r < size && c >= 0 && c < size && Math.hypot(c - px, r - py) <= radius) {
                            m[r * size + c] = 1;
                        }
                    }
                }
            }
            x = Math.max(0, Math.min(size - 1, x + length * Math.cos(angle)));
            y = Math.max(0, Math.min(size - 1, y + length * Math.sin(angle)));
        }
    }
}
