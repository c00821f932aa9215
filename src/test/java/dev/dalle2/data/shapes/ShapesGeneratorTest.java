package dev.dalle2.data.shapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class ShapesGeneratorTest {
    /** The README.md files the generator wrote before its text moved into a resource. */
    private static final Path EXPECTED = Path.of("src/test/resources/dev/dalle2/data/shapes/expected");

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void theSameSeedWritesTheSameFiles(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a/shapes");
        Path b = tmp.resolve("b/shapes");
        Path c = tmp.resolve("c/shapes");
        ShapesGenerator.generate(a, 12, 32, 3, 0.5);
        ShapesGenerator.generate(b, 12, 32, 3, 0.5);
        ShapesGenerator.generate(c, 12, 32, 4, 0.5);
        List<String> files = files(a);
        assertEquals(files, files(b));
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        assertNotEquals(Files.readString(a.resolve("captions.jsonl")), Files.readString(c.resolve("captions.jsonl")));
    }

    @Test
    void imageIDependsOnlyOnTheSeedAndI(@TempDir Path tmp) throws IOException {
        Path twelve = tmp.resolve("twelve/shapes");
        Path eight = tmp.resolve("eight/shapes");
        ShapesGenerator.generate(twelve, 12, 32, 3, 0.5);
        ShapesGenerator.generate(eight, 8, 32, 3, 0.5);
        for (int i = 0; i < 8; i++) {
            String f = String.format("images/%06d.png", i);
            assertArrayEquals(Files.readAllBytes(twelve.resolve(f)), Files.readAllBytes(eight.resolve(f)),
                    f + " does not depend on how many images the folder holds");
        }
        List<String> lines = Files.readAllLines(twelve.resolve("captions.jsonl"));
        assertEquals(lines.subList(0, 8), Files.readAllLines(eight.resolve("captions.jsonl")));
        JsonNode seventh = new ObjectMapper().readTree(lines.get(7));
        ShapesGenerator.Sample sample = ShapesGenerator.sample(3, 7, 0.5);
        assertEquals(seventh.get("caption").asText(), sample.caption(), "sample(3, 7) is the folder's image 7");
        assertEquals(ShapeAttributes.fromJson(seventh.get("attributes")), sample.attributes());

        java.util.Set<ShapeAttributes> ofSeed = new java.util.HashSet<>();
        java.util.Set<ShapeAttributes> ofIndex = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            ofSeed.add(ShapesGenerator.sample(3, i, 0.5).attributes());
            ofIndex.add(ShapesGenerator.sample(i, 7, 0.5).attributes());
        }
        assertEquals(20, ofSeed.size(), "the 20 first images of a seed all differ");
        assertEquals(20, ofIndex.size(), "image 7 of 20 seeds all differ");
    }

    @Test
    void writesImagesCaptionsAndReadme(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("shapes");
        ShapesGenerator.generate(dir, 5, 40, 0, 0.3);
        List<String> expected = new ArrayList<>(List.of("README.md", "captions.jsonl"));
        for (int i = 0; i < 5; i++) {
            expected.add(String.format("images/%06d.png", i));
        }
        assertEquals(expected, files(dir));
        BufferedImage image = ImageIO.read(dir.resolve("images/000003.png").toFile());
        assertEquals(40, image.getWidth());
        assertEquals(40, image.getHeight());
        List<String> lines = Files.readAllLines(dir.resolve("captions.jsonl"));
        assertEquals(5, lines.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 5; i++) {
            JsonNode line = json.readTree(lines.get(i));
            assertEquals(List.of("image", "caption", "attributes"), iterator(line.fieldNames()));
            assertEquals(String.format("images/%06d.png", i), line.get("image").asText());
            ShapesGenerator.Sample sample = ShapesGenerator.sample(0, i, 0.3);
            assertEquals(sample.caption(), line.get("caption").asText());
            assertEquals(sample.attributes(), ShapeAttributes.fromJson(line.get("attributes")));
        }
        String readme = Files.readString(dir.resolve("README.md"));
        assertTrue(readme.contains("dalle2 data shapes --out shapes --count 5 --size 40 --seed 0 --two-shape-fraction 0.3"), readme);
        assertEquals(Files.readString(EXPECTED.resolve("README.md")), readme, "README.md as written before its text became a resource");

        Path heldOut = tmp.resolve("shapes-held");
        ShapesGenerator.generate(heldOut, 5, 32, 7, 0.5, ShapeCombo.parseList("red star,blue circle"),
                new PrintWriter(Writer.nullWriter()));
        assertEquals(Files.readString(EXPECTED.resolve("README-held-out.md")), Files.readString(heldOut.resolve("README.md")));
    }

    private static List<String> iterator(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void refusesABusyFolderAndBadArguments(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("other.txt"), "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShapesGenerator.generate(tmp, 3, 32, 0, 0.3));
        assertTrue(e.getMessage().contains("not an empty folder"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShapesGenerator.generate(tmp.resolve("n"), 0, 32, 0, 0.3));
        assertThrows(IllegalArgumentException.class, () -> ShapesGenerator.generate(tmp.resolve("n"), 3, 8, 0, 0.3));
        assertThrows(IllegalArgumentException.class, () -> ShapesGenerator.generate(tmp.resolve("n"), 3, 32, 0, 1.5));
    }

    @Test
    void samplesCoverEveryValueAndKeepShapesApartAndInside() {
        int n = 3000;
        int twoShapes = 0;
        boolean[] seen = new boolean[ShapeType.values().length + ShapeColour.values().length + Relation.values().length
                + Background.values().length];
        for (int i = 0; i < n; i++) {
            ShapeAttributes a = ShapesGenerator.sample(1, i, 0.3).attributes();
            for (ShapeSpec s : a.shapes()) {
                seen[s.shape().ordinal()] = true;
                seen[6 + s.colour().ordinal()] = true;
                double half = s.extent() / 2;
                assertTrue(Math.min(s.x(), s.y()) - half >= ShapeLayout.MARGIN - 1e-4, a.toString());
                assertTrue(Math.max(s.x(), s.y()) + half <= 1 - ShapeLayout.MARGIN + 1e-4, a.toString());
                assertEquals(s.size().extent(a.shapes().size()), s.extent(), ShapeSize.jitter(a.shapes().size()) + 1e-9);
            }
            seen[14 + a.background().ordinal() + 4] = true;
            if (a.relation() != null) {
                twoShapes++;
                seen[14 + a.relation().ordinal()] = true;
                ShapeSpec first = a.shapes().get(0);
                ShapeSpec second = a.shapes().get(1);
                assertEquals(a.relation(), Relation.between(first.x(), first.y(), second.x(), second.y()));
                double distance = a.relation().vertical() ? Math.abs(first.y() - second.y()) : Math.abs(first.x() - second.x());
                assertTrue(distance - (first.extent() + second.extent()) / 2 >= ShapeLayout.GAP - 2e-4, a.toString());
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "value " + i + " never drawn");
        }
        assertEquals(0.3, twoShapes / (double) n, 0.03);
    }
}
