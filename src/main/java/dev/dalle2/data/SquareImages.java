package dev.dalle2.data;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Turns any decoded picture into the square RGB images the datasets hold: transparent pixels are
 * composited over white, the centred square of side min(W, H) is cut out and scaled to S×S. Scaling
 * down halves the picture with bilinear filtering until one last bilinear step reaches S (each
 * halving averages 2×2 pixels, so no source pixel is skipped); scaling up is one bicubic step. A
 * picture that is already S×S keeps its exact pixels.
 */
public final class SquareImages {
    private SquareImages() {}

    /** Decodes PNG, JPEG, BMP or GIF bytes; an IOException when they are not an image javax.imageio reads. */
    public static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (RuntimeException e) { // some corrupt files make the decoders throw unchecked exceptions
            throw new IOException("cannot decode image: " + e, e);
        }
        if (image == null) {
            throw new IOException("not an image in a readable format (PNG, JPEG, BMP or GIF)");
        }
        return image;
    }

    /** {@code image} as an opaque S×S RGB picture (see the class comment). */
    public static BufferedImage square(BufferedImage image, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        int side = Math.min(image.getWidth(), image.getHeight());
        BufferedImage current = overWhite(image, (image.getWidth() - side) / 2, (image.getHeight() - side) / 2, side);
        if (side < size) {
            return scaled(current, size, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        }
        while (side > size) {
            side = Math.max(size, (side + 1) / 2);
            current = scaled(current, side, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        }
        return current;
    }

    /** The picture's pixels as 3·W·H bytes: the red plane, then green, then blue, each row by row. */
    public static byte[] toChw(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int plane = w * h;
        int[] argb = rgb.getRGB(0, 0, w, h, null, 0, w);
        byte[] chw = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            chw[p] = (byte) (argb[p] >> 16);
            chw[plane + p] = (byte) (argb[p] >> 8);
            chw[2 * plane + p] = (byte) argb[p];
        }
        return chw;
    }

    /** The side×side square at (left, top) of {@code image}, with every pixel composited over white. */
    private static BufferedImage overWhite(BufferedImage image, int left, int top, int side) {
        int[] argb = argb(image, left, top, side);
        for (int p = 0; p < argb.length; p++) {
            int alpha = argb[p] >>> 24;
            if (alpha != 255) {
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int value = (argb[p] >> shift) & 0xff;
                    rgb |= ((value * alpha + 255 * (255 - alpha) + 127) / 255) << shift;
                }
                argb[p] = rgb;
            }
        }
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, side, side, argb, 0, side);
        return out;
    }

    /**
     * The square's non-premultiplied ARGB values. Grey images are read from their samples: getRGB
     * treats their grey as linear light and brightens it (PNG grey 100 would come out as 168).
     */
    private static int[] argb(BufferedImage image, int left, int top, int side) {
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() != ColorSpace.TYPE_GRAY || image.getRaster().getNumBands() > 2) {
            return image.getRGB(left, top, side, side, null, 0, side);
        }
        Raster raster = image.getRaster();
        boolean alpha = raster.getNumBands() == 2;
        double greyMax = (1 << model.getComponentSize(0)) - 1;
        double alphaMax = alpha ? (1 << model.getComponentSize(1)) - 1 : 1;
        int[] argb = new int[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int grey = (int) Math.round(raster.getSample(left + x, top + y, 0) * 255 / greyMax);
                int a = alpha ? (int) Math.round(raster.getSample(left + x, top + y, 1) * 255 / alphaMax) : 255;
                argb[y * side + x] = a << 24 | grey << 16 | grey << 8 | grey;
            }
        }
        return argb;
    }

    private static BufferedImage scaled(BufferedImage image, int side, Object interpolation) {
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, side, side, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
