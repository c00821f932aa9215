package dev.dalle2.data;

import dev.dalle2.io.Checks;

import java.util.Random;

/**
 * Random changes to an image [3, S, S] in [-1, 1] drawn on white, so that a model learns what an
 * image shows rather than how one artist drew it: a zoom, a rotation and a shift (one affine warp,
 * bilinear, filling with white), then with probability {@code blur} a 3×3 Gaussian blur (σ 0.8),
 * then brightness and contrast. Hue is never changed: colours are part of what captions name.
 *
 * @param scale   the zoom factor is drawn uniformly from [1 − scale, 1 + scale]
 * @param degrees the rotation is drawn uniformly from [−degrees, degrees]
 * @param shift   the shift along each axis is drawn uniformly from [−shift, shift] times S
 * @param blur    the probability of the blur
 * @param jitter  contrast and brightness factors are drawn uniformly from [1 − jitter, 1 + jitter]
 */
public record ImageAugmentation(double scale, double degrees, double shift, double blur, double jitter) {
    /** Leaves images as they are. */
    public static final ImageAugmentation NONE = new ImageAugmentation(0, 0, 0, 0, 0);

    private static final float[] GAUSSIAN_3 = gaussian3(0.8);

    /** Checks the ranges: scale, shift and jitter in [0, 1), degrees >= 0, blur (a probability) in [0, 1]. */
    public ImageAugmentation {
        Checks.fraction("scale", scale);
        Checks.nonNegative("degrees", degrees);
        Checks.fraction("shift", shift);
        Checks.probability("blur", blur);
        Checks.fraction("jitter", jitter);
    }

    public boolean enabled() {
        return !equals(NONE);
    }

    /**
     * Writes an augmented copy of the image at {@code src[srcOffset..]} ([3, size, size]) to
     * {@code dst[dstOffset..]}; {@code random} draws every change.
     */
    public void apply(float[] src, int srcOffset, int size, Random random, float[] dst, int dstOffset) {
        double zoom = 1 + uniform(random, scale);
        double angle = Math.toRadians(uniform(random, degrees));
        double dx = uniform(random, shift) * size;
        double dy = uniform(random, shift) * size;
        boolean blurred = random.nextDouble() < blur;
        double contrast = 1 + uniform(random, jitter);
        double brightness = uniform(random, jitter);
        int plane = size * size;
        float[] warped = new float[3 * plane];
        warp(src, srcOffset, size, zoom, angle, dx, dy, warped);
        if (blurred) {
            warped = blur3(warped, size);
        }
        for (int ch = 0; ch < 3; ch++) {
            for (int i = 0; i < plane; i++) {
                double v = warped[ch * plane + i] * contrast + brightness;
                dst[dstOffset + ch * plane + i] = (float) Math.max(-1, Math.min(1, v));
            }
        }
    }

    private static double uniform(Random random, double range) {
        return range == 0 ? 0 : (random.nextDouble() * 2 - 1) * range;
    }

    /** out(p) = src(c + R(−angle)·(p − c − d) / zoom), bilinear, white outside the image. */
    static void warp(float[] src, int offset, int size, double zoom, double angle, double dx, double dy,
                             float[] out) {
        double c = (size - 1) / 2.0;
        double cos = Math.cos(angle) / zoom;
        double sin = Math.sin(angle) / zoom;
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double px = x - c - dx;
                double py = y - c - dy;
                double sx = c + cos * px + sin * py;
                double sy = c - sin * px + cos * py;
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int ch = 0; ch < 3; ch++) {
                    int base = offset + ch * plane;
                    double top = at(src, base, size, x0, y0) * (1 - fx) + at(src, base, size, x0 + 1, y0) * fx;
                    double bottom = at(src, base, size, x0, y0 + 1) * (1 - fx) + at(src, base, size, x0 + 1, y0 + 1) * fx;
                    out[ch * plane + y * size + x] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
    }

    private static float at(float[] src, int base, int size, int x, int y) {
        return x < 0 || y < 0 || x >= size || y >= size ? 1f : src[base + y * size + x];
    }

    /** A separable 3×3 Gaussian blur of each channel; edges repeat the border pixel. */
    private static float[] blur3(float[] image, int size) {
        int plane = size * size;
        float[] rows = new float[image.length];
        float[] out = new float[image.length];
        for (int ch = 0; ch < 3; ch++) {
            int base = ch * plane;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float sum = 0;
                    for (int k = -1; k <= 1; k++) {
                        sum += GAUSSIAN_3[k + 1] * image[base + y * size + Math.max(0, Math.min(size - 1, x + k))];
                    }
                    rows[base + y * size + x] = sum;
                }
            }
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float sum = 0;
                    for (int k = -1; k <= 1; k++) {
                        sum += GAUSSIAN_3[k + 1] * rows[base + Math.max(0, Math.min(size - 1, y + k)) * size + x];
                    }
                    out[base + y * size + x] = sum;
                }
            }
        }
        return out;
    }

    private static float[] gaussian3(double sigma) {
        double side = Math.exp(-1 / (2 * sigma * sigma));
        double total = 1 + 2 * side;
        return new float[] {(float) (side / total), (float) (1 / total), (float) (side / total)};
    }
}
