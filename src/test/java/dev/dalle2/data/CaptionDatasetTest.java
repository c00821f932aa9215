package dev.dalle2.data;

import dev.dalle2.data.shapes.ShapesDataset;
import dev.dalle2.data.shapes.ShapesGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static dev.dalle2.data.TestData.png;
import static dev.dalle2.data.TestData.utf8;
import static org.junit.jupiter.api.Assertions.*;

class CaptionDatasetTest {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(log, true, StandardCharsets.UTF_8);

    @Test
    void loadsAFolderWithItsCaptionsConceptsAndGroups(@TempDir Path dir) throws IOException {
        png(dir.resolve("images/red.png"), 8, 8, 0xff0000);
        png(dir.resolve("images/blue.png"), 8, 8, 0x0000ff);
        Files.writeString(dir.resolve("captions.jsonl"), """
                {"image": "images/red.png", "caption": "a red square", "captions": ["a red square", "red"], "concept": "red", "group": "a"}

                {"image": "images/blue.png", "caption": "a blue square", "attributes": {"shapes": []}, "extra": 3}
                """);
        CaptionDataset data = CaptionDataset.load(dir, 8, err);
        assertEquals(2, data.size());
        assertEquals(8, data.imageSize());
        assertEquals(new CaptionDataset.Entry("red_000001", List.of("a red square", "red"), "red", "a"), data.entry(0));
        assertEquals(new CaptionDataset.Entry("blue_000003", List.of("a blue square"), null, null), data.entry(1));
        assertEquals("a blue square", data.entry(1).caption());
        byte[] red = data.pixels(0);
        assertEquals(3 * 8 * 8, red.length);
        assertEquals((byte) 255, red[0]);
        assertEquals(0, red[64]);
        assertEquals(0, red[128]);
        assertEquals((byte) 255, data.pixels(1)[128 + 63]);

        float[] floats = new float[2 + 3 * 64];
        data.toFloats(0, floats, 2);
        assertEquals(0f, floats[0]);
        assertEquals(1f, floats[2]);
        assertEquals(-1f, floats[2 + 64]);
        assertEquals(-1f, floats[2 + 3 * 64 - 1]);
        assertEquals("", warnings(), "nothing skipped, no warning");
    }

    @Test
    void loadsTarShardsAndFoldersOfShardsInNameOrder(@TempDir Path dir) throws IOException {
        Map<String, byte[]> first = new LinkedHashMap<>();
        first.put("k1.png", png(TestData.image(4, 4, (x, y) -> 0xff00ff00)));
        first.put("k1.txt", utf8("a green square\n\ngreen\n"));
        first.put("k1.json", utf8("{\"concept\": \"green\", \"group\": \"g\"}"));
        first.put("k2.png", png(TestData.image(4, 4, (x, y) -> 0xff000000)));
        first.put("k2.txt", utf8("a black square"));
        TestData.tar(dir.resolve("shards/b.tar"), first, false);
        TestData.tar(dir.resolve("shards/a.tar"), Map.of("sub/k0.png", png(TestData.image(4, 4, (x, y) -> -1)),
                "sub/k0.txt", utf8("a white square")), false);

        CaptionDataset one = CaptionDataset.load(dir.resolve("shards/b.tar"), 4, err);
        assertEquals(List.of(new CaptionDataset.Entry("k1", List.of("a green square", "green"), "green", "g"),
                new CaptionDataset.Entry("k2", List.of("a black square"), null, null)), one.entries());
        assertEquals((byte) 255, one.pixels(0)[16]);

        CaptionDataset all = CaptionDataset.load(dir.resolve("shards"), 4, err);
        assertEquals(List.of("sub/k0", "k1", "k2"), all.entries().stream().map(CaptionDataset.Entry::key).toList());
        assertEquals("", warnings());
    }

    @Test
    void cutsTheCentredSquareOfAWideOrTallImageAndScalesIt() {
        // 200×100: red on the left quarter, green on the right one, and between them black above white
        BufferedImage wide = TestData.image(200, 100, (x, y) -> x < 50 ? 0xffff0000 : x >= 150 ? 0xff00ff00
                : y < 50 ? 0xff000000 : 0xffffffff);
        for (BufferedImage image : new BufferedImage[] {wide, transpose(wide)}) {
            BufferedImage square = SquareImages.square(image, 20);
            assertEquals(20, square.getWidth());
            assertEquals(20, square.getHeight());
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 20; x++) {
                    int rgb = square.getRGB(x, y) & 0xffffff;
                    int r = rgb >> 16;
                    assertTrue(r == (rgb >> 8 & 0xff) && r == (rgb & 0xff), "no red or green is left: " + Integer.toHexString(rgb));
                }
            }
            boolean tall = image != wide;
            for (int i = 2; i < 18; i++) {
                assertEquals(0x000000, square.getRGB(tall ? 3 : i, tall ? i : 3) & 0xffffff);
                assertEquals(0xffffff, square.getRGB(tall ? 16 : i, tall ? i : 16) & 0xffffff);
            }
        }
        BufferedImage small = SquareImages.square(TestData.image(4, 4, (x, y) -> 0xff204060), 9);
        assertEquals(0x204060, small.getRGB(4, 4) & 0xffffff, "scaling a plain picture up keeps its colour");
    }

    @Test
    void compositesTransparencyOverWhiteAndKeepsExactPixelsAtTheSameSize() {
        BufferedImage image = TestData.image(32, 32, (x, y) -> x == 0 && y == 0 ? 0x00ff0000 // fully transparent red
                : x == 1 && y == 0 ? 0x80000000                                           // half-transparent black
                : 0xff000000 | (x * 7919 + y * 104729) % 0xffffff);
        byte[] chw = SquareImages.toChw(SquareImages.square(image, 32));
        int plane = 32 * 32;
        for (int c = 0; c < 3; c++) {
            assertEquals(255, chw[c * plane] & 0xff, "transparent is white");
            assertEquals(127, chw[c * plane + 1] & 0xff, "half-transparent black is mid grey");
        }
        for (int p = 2; p < plane; p++) {
            int rgb = image.getRGB(p % 32, p / 32);
            assertEquals(rgb >> 16 & 0xff, chw[p] & 0xff);
            assertEquals(rgb >> 8 & 0xff, chw[plane + p] & 0xff);
            assertEquals(rgb & 0xff, chw[2 * plane + p] & 0xff);
        }
    }

    @Test
    void loadsTheShapesDatasetWithItsExactPixels(@TempDir Path dir) throws IOException {
        ShapesGenerator.generate(dir, 3, 32, 5, 0.5, List.of(), new PrintWriter(Writer.nullWriter()));
        CaptionDataset data = CaptionDataset.load(dir, 32, err);
        List<ShapesDataset.Entry> shapes = ShapesDataset.load(dir);
        assertEquals(3, data.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(shapes.get(i).caption(), data.entry(i).caption());
            assertArrayEquals(SquareImages.toChw(shapes.get(i).read()), data.pixels(i));
        }
    }

    @Test
    void readsGreyPngsAtTheirOwnValues() throws IOException {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 1, 0, 255);
        byte[] chw = SquareImages.toChw(SquareImages.square(SquareImages.decode(png(grey)), 2));
        assertArrayEquals(new byte[] {100, 0, 0, (byte) 255, 100, 0, 0, (byte) 255, 100, 0, 0, (byte) 255}, chw);
    }

    @Test
    void keepsTheExactPixelsOfSameSizeRgbFiles(@TempDir Path dir) throws IOException {
        Random random = new Random(3);
        BufferedImage rgb = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 32 * 32; p++) {
            rgb.setRGB(p % 32, p / 32, random.nextInt(0x1000000));
        }
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images/r.png"), png(rgb));
        Files.writeString(dir.resolve("captions.jsonl"), "{\"image\": \"images/r.png\", \"caption\": \"noise\"}\n");
        assertArrayEquals(SquareImages.toChw(rgb), CaptionDataset.load(dir, 32, err).pixels(0));
    }

    @Test
    void skipsCorruptImagesAndEntriesWithoutACaptionWithOneWarning(@TempDir Path dir) throws IOException {
        png(dir.resolve("images/a.png"), 8, 8, 0x112233);
        png(dir.resolve("images/c.png"), 8, 8, 0x445566);
        Files.write(dir.resolve("images/bad.png"), utf8("not a png at all"));
        Files.writeString(dir.resolve("captions.jsonl"), """
                {"image": "images/a.png", "caption": "first"}
                {"image": "images/bad.png", "caption": "corrupt"}
                {"image": "images/c.png", "caption": "  ", "captions": []}
                {"image": "images/missing.png", "caption": "gone"}
                not json
                {"image": "images/c.png", "caption": "last"}
                """);
        CaptionDataset data = CaptionDataset.load(dir, 8, err);
        assertEquals(List.of("first", "last"), data.entries().stream().map(CaptionDataset.Entry::caption).toList());
        String warning = warnings();
        assertEquals(1, warning.lines().count(), warning);
        assertTrue(warning.startsWith("skipped 4 of 6 entries: "), warning);
        assertTrue(warning.contains("2 unreadable images") && warning.contains("1 without a caption")
                && warning.contains("1 malformed lines"), warning);
        assertTrue(warning.contains("(first: images/c.png (line 3): no caption)"), warning);
    }

    @Test
    void aMissingOrEmptySourceIsAOneLineError(@TempDir Path dir) throws IOException {
        assertMessage(dir.resolve("none"), "no such dataset file or folder");
        assertMessage(dir, "no captions.jsonl and no .tar shards in this folder");
        Files.writeString(dir.resolve("x.txt"), "hello");
        assertMessage(dir.resolve("x.txt"), "not a .tar shard or a dataset folder");
        Files.writeString(dir.resolve("captions.jsonl"), "{\"image\": \"images/missing.png\", \"caption\": \"c\"}\n");
        assertMessage(dir, "no usable entries (skipped 1 of 1 entries: 1 unreadable images");
        Files.write(dir.resolve("broken.tar"), utf8("x".repeat(1000)));
        assertMessage(dir.resolve("broken.tar"), "broken.tar: cannot read this tar shard");
    }

    @Test
    void indicesFollowTheSplit(@TempDir Path dir) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            png(dir.resolve("images/" + i + ".png"), 4, 4, 0x101010 * i);
            lines.append("{\"image\": \"images/%d.png\", \"caption\": \"c%d\", \"group\": \"%s\"}\n".formatted(i, i, i % 3 == 0 ? "held" : "kept"));
        }
        Files.writeString(dir.resolve("captions.jsonl"), lines);
        CaptionDataset data = CaptionDataset.load(dir, 4, err);
        assertArrayEquals(new int[] {0, 3}, data.indices(Split.parse("group:held"), true));
        assertArrayEquals(new int[] {1, 2, 4, 5}, data.indices(Split.parse("group:held"), false));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, data.indices(Split.NONE, false));
        assertEquals(0, data.indices(Split.NONE, true).length);
    }

    /** What was logged apart from the progress bars. */
    private String warnings() {
        return log.toString().lines().filter(l -> !l.contains(" it/s ETA ")).map(l -> l + "\n").collect(Collectors.joining());
    }

    private void assertMessage(Path source, String part) {
        IOException e = assertThrows(IOException.class, () -> CaptionDataset.load(source, 8, err));
        String message = e.getMessage();
        assertTrue(message.contains(part), message);
        assertEquals(1, message.lines().count(), message);
    }

    private static BufferedImage transpose(BufferedImage image) {
        return TestData.image(image.getHeight(), image.getWidth(), (x, y) -> image.getRGB(y, x));
    }
}
