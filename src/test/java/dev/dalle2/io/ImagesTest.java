package dev.dalle2.io;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagesTest {
    @TempDir
    Path dir;

    /** 3 wide, 2 high: red, green, blue / black, white, grey (10, 128, 250). */
    private static final int[][] PIXELS = {
            {0xff0000, 0x00ff00, 0x0000ff},
            {0x000000, 0xffffff, 0x0a80fa}};

    private static BufferedImage knownImage() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                image.setRGB(x, y, PIXELS[y][x]);
            }
        }
        return image;
    }

    private static float expected(int channelValue) {
        return (float) (channelValue / 127.5 - 1);
    }

    @Test
    void pngRoundTripKeepsExactPixels() throws IOException {
        Path png = dir.resolve("known.png");
        ImageIO.write(knownImage(), "png", png.toFile());

        Tensor t = Images.read(png);
        assertArrayEquals(new long[] {3, 2, 3}, t.shape());
        float[] v = Ops.toFloats(t);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                for (int c = 0; c < 3; c++) {
                    int channel = (PIXELS[y][x] >> (16 - 8 * c)) & 0xff;
                    assertEquals(expected(channel), v[c * 6 + y * 3 + x], 1e-6, "pixel " + x + "," + y + " channel " + c);
                }
            }
        }

        Path out = dir.resolve("sub/copy.png");
        Images.write(out, t);
        BufferedImage back = ImageIO.read(out.toFile());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertEquals(PIXELS[y][x], back.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void channelValuesMapToMinusOneToOneAndBack() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x000000);
        image.setRGB(1, 0, 0xffffff);
        image.setRGB(2, 0, 0x808080);
        float[] v = Ops.toFloats(Images.toTensor(image));
        assertArrayEquals(new float[] {-1, 1, expected(128), -1, 1, expected(128), -1, 1, expected(128)}, v, 1e-6f);

        Tensor chw = Ops.tensor(new float[] {-1, 1, 0, -3, 2, 0.5f, -1, 1, 0}, 3, 1, 3);
        BufferedImage out = Images.toImage(chw);
        assertEquals(0x000000, out.getRGB(0, 0) & 0xffffff, "x=-1 -> 0, clamped -3 -> 0");
        assertEquals(0xffffff, out.getRGB(1, 0) & 0xffffff, "x=1 -> 255, clamped 2 -> 255");
        assertEquals(0x80bf80, out.getRGB(2, 0) & 0xffffff, "x=0 -> round(127.5) = 128, x=0.5 -> round(191.25) = 191");
    }

    @Test
    void alphaIsCompositedOverWhite() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00000000);
        image.setRGB(1, 0, 0x80000000);
        float[] v = Ops.toFloats(Images.toTensor(image));
        float half = expected(255 - 128);
        assertArrayEquals(new float[] {1, half, 1, half, 1, half}, v, 1e-6f);
    }

    @Test
    void toImageAcceptsABatchOfOneAndRejectsOtherShapes() {
        BufferedImage image = Images.toImage(Ops.zeros(1, 3, 4, 5));
        assertEquals(5, image.getWidth());
        assertEquals(4, image.getHeight());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.toImage(Ops.zeros(4, 4, 5)));
        assertTrue(e.getMessage().contains("[4, 4, 5]"), e.getMessage());
    }

    @Test
    void readingAMissingFileOrANonImageNamesTheFile() throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> Images.read(dir.resolve("absent.png")));
        assertTrue(missing.getMessage().contains("absent.png"), missing.getMessage());

        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        IOException e = assertThrows(IOException.class, () -> Images.read(text));
        assertTrue(e.getMessage().contains("notes.png"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void gridPlacesImagesInRowsWithWhitePadding() {
        long h = 2;
        long w = 3;
        Tensor batch = Ops.stack(0, Ops.full(-1, 3, h, w), Ops.full(-0.5, 3, h, w), Ops.full(0, 3, h, w));
        Tensor grid = Images.grid(batch, 2, 1);
        // 2 columns, 2 rows: H' = 2·(2+1)+1 = 7, W' = 2·(3+1)+1 = 9
        assertArrayEquals(new long[] {3, 7, 9}, grid.shape());
        float[] v = Ops.toFloats(grid);
        float[][] expectedPlane = new float[7][9];
        for (float[] row : expectedPlane) {
            Arrays.fill(row, 1f);
        }
        float[] fills = {-1, -0.5f, 0};
        for (int i = 0; i < 3; i++) {
            int top = 1 + (i / 2) * 3;
            int left = 1 + (i % 2) * 4;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    expectedPlane[top + y][left + x] = fills[i];
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 9; x++) {
                    assertEquals(expectedPlane[y][x], v[c * 63 + y * 9 + x], "channel " + c + " at " + x + "," + y);
                }
            }
        }
        assertArrayEquals(new long[] {3, 4, 5}, Images.grid(batch.narrow(0, 0, 1), 4, 1).shape(), "fewer images than columns");
    }
}
