package dev.dalle2.io;

import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Conversion between images and the models' pixel tensors: float32 [3, H, W] (RGB planes, row
 * major) with values in [-1, 1], where -1 is channel value 0 and 1 is 255. Files are read with
 * javax.imageio (PNG, JPEG, BMP, GIF) and written as PNG.
 */
public final class Images {
    static {
        Engine.start();
    }

    private Images() {}

    /** A CPU float32 [3, H, W] tensor in [-1, 1] of {@code image}'s RGB; alpha is composited over white. */
    public static Tensor toTensor(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        float[] data = new float[3 * plane];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double alpha = (argb >>> 24) / 255.0;
                for (int c = 0; c < 3; c++) {
                    int value = (argb >> (16 - 8 * c)) & 0xff;
                    double composited = alpha == 1 ? value : value * alpha + 255 * (1 - alpha);
                    data[c * plane + y * w + x] = (float) (composited / 127.5 - 1);
                }
            }
        }
        Tensor t = torch.empty(new long[] {3, h, w}, new TensorOptions(torch.ScalarType.Float), new MemoryFormatOptional());
        t.data_ptr_float().put(data);
        return t;
    }

    /**
     * An RGB image of a [3, H, W] or [1, 3, H, W] tensor in [-1, 1] (any device and float dtype):
     * values are clamped to [-1, 1] and mapped to round((x + 1) * 127.5).
     */
    public static BufferedImage toImage(Tensor chw) {
        long[] shape = chw.shape();
        if (shape.length == 4 && shape[0] == 1) {
            shape = Arrays.copyOfRange(shape, 1, 4);
        }
        if (shape.length != 3 || shape[0] != 3) {
            throw new IllegalArgumentException("expected an image tensor of shape [3, H, W] or [1, 3, H, W], got "
                    + Arrays.toString(chw.shape()));
        }
        int h = Math.toIntExact(shape[1]);
        int w = Math.toIntExact(shape[2]);
        int plane = w * h;
        float[] data = Ops.toFloats(chw);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb = rgb << 8 | toByte(data[c * plane + y * w + x]);
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** The image in {@code file} as a CPU float32 [3, H, W] tensor in [-1, 1]. */
    public static Tensor read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new IOException(file + ": cannot decode image: " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException(file + ": not an image in a readable format (PNG, JPEG, BMP or GIF)");
        }
        return toTensor(image);
    }

    /** Writes a [3, H, W] or [1, 3, H, W] tensor in [-1, 1] to {@code file} as PNG, atomically. */
    public static void write(Path file, Tensor chw) throws IOException {
        BufferedImage image = toImage(chw);
        AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
    }

    /**
     * Lays out a batch [B, 3, H, W] as one image [3, H', W'] with {@code min(columns, B)} images
     * per row, left to right then top to bottom, {@code padding} pixels of white (1.0) around and
     * between them: H' = rows·(H + padding) + padding, W' = cols·(W + padding) + padding.
     */
    public static Tensor grid(Tensor images, int columns, int padding) {
        long[] shape = images.shape();
        if (shape.length != 4 || shape[1] != 3 || shape[0] == 0) {
            throw new IllegalArgumentException("expected a non-empty batch of shape [B, 3, H, W], got " + Arrays.toString(shape));
        }
        if (columns < 1 || padding < 0) {
            throw new IllegalArgumentException("columns must be >= 1 and padding >= 0, got " + columns + " and " + padding);
        }
        long count = shape[0];
        long h = shape[2];
        long w = shape[3];
        long cols = Math.min(columns, count);
        long rows = (count + cols - 1) / cols;
        Tensor grid = torch.full(new long[] {3, rows * (h + padding) + padding, cols * (w + padding) + padding},
                new Scalar(1.0), images.options());
        for (long i = 0; i < count; i++) {
            long top = padding + (i / cols) * (h + padding);
            long left = padding + (i % cols) * (w + padding);
            grid.narrow(1, top, h).narrow(2, left, w).copy_(images.get(i));
        }
        return grid;
    }

    private static int toByte(float x) {
        float clamped = Math.max(-1f, Math.min(1f, x));
        return (int) Math.round((clamped + 1) * 127.5);
    }
}
