package dev.dalle2.data.shapes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.TextTemplate;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Folders;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes the procedural shapes dataset. Image {@code i} of seed {@code s} depends only on (s, i):
 * one or two shapes of random kind, colour and size; a random relation for two; a white
 * background for half of the images, another plain one otherwise; placed by {@link ShapeLayout}.
 * Its caption names the background when it is not white, and a white one in one caption in four.
 */
public final class ShapesGenerator {
    private static final int PROGRESS_EVERY = 1000;

    private ShapesGenerator() {}

    /** Image {@code index} of {@code seed}: its attributes and its caption. */
    public record Sample(ShapeAttributes attributes, String caption) {}

    /** Image {@code index} of {@code seed}, with two shapes with probability {@code twoShapeFraction}. */
    public static Sample sample(long seed, int index, double twoShapeFraction) {
        return sample(seed, index, twoShapeFraction, List.of());
    }

    /**
     * Image {@code index} of {@code seed}, with two shapes with probability {@code twoShapeFraction}
     * and none of the {@code heldOut} colour-shape pairs (a drawn pair that is held out is drawn again).
     */
    public static Sample sample(long seed, int index, double twoShapeFraction, List<ShapeCombo> heldOut) {
        Random random = new Random(mix(seed * 0x9E3779B97F4A7C15L + index));
        int count = random.nextDouble() < twoShapeFraction ? 2 : 1;
        List<ShapeSpec> shapes = Stream.generate(() -> shape(random, heldOut)).limit(count).toList();
        Relation relation = count == 2 ? pick(random, Relation.values()) : null;
        Background background = random.nextBoolean() ? Background.WHITE
                : Background.values()[1 + random.nextInt(Background.values().length - 1)];
        ShapeAttributes attributes = ShapeLayout.place(new ShapeAttributes(shapes, relation, background), random::nextDouble);
        return new Sample(attributes, attributes.caption(random.nextInt(4) == 0));
    }

    /** {@link #generate(Path, int, int, long, double, PrintWriter)} with progress on standard error. */
    public static void generate(Path outDir, int count, int size, long seed, double twoShapeFraction) throws IOException {
        generate(outDir, count, size, seed, twoShapeFraction, List.of(), new PrintWriter(System.err, true));
    }

    /**
     * Writes {@code count} images of {@code size}×{@code size} pixels as {@code images/000000.png, …},
     * then {@value CaptionDataset#CAPTIONS} and a README.md, every file atomically, into {@code outDir}, which
     * must be missing or empty. The same arguments write the same bytes. Every 1,000 images a
     * progress line goes to {@code progress}. No image shows a {@code heldOut} colour-shape pair.
     */
    public static void generate(Path outDir, int count, int size, long seed, double twoShapeFraction,
                                List<ShapeCombo> heldOut, PrintWriter progress) throws IOException {
        if (count < 1 || size < 16 || size > 4096 || !(twoShapeFraction >= 0 && twoShapeFraction <= 1)) {
            throw new IllegalArgumentException("need count >= 1, size in [16, 4096] and a two-shape fraction in [0, 1], got "
                    + count + ", " + size + ", " + twoShapeFraction);
        }
        Folders.requireNewOrEmpty(outDir);
        ObjectMapper json = new ObjectMapper();
        StringBuilder captions = new StringBuilder();
        int twoShapes = 0;
        for (int i = 0; i < count; i++) {
            Sample sample = sample(seed, i, twoShapeFraction, heldOut);
            String image = String.format("images/%06d.png", i);
            AtomicFiles.write(outDir.resolve(image),
                    out -> ImageIO.write(ShapeRenderer.render(sample.attributes(), size), "png", out));
            ObjectNode line = json.createObjectNode().put("image", image).put("caption", sample.caption());
            line.set("attributes", sample.attributes().toJson());
            captions.append(json.writeValueAsString(line)).append('\n');
            twoShapes += sample.attributes().shapes().size() - 1;
            if ((i + 1) % PROGRESS_EVERY == 0) {
                progress.printf("shapes: %d of %d images%n", i + 1, count);
            }
        }
        AtomicFiles.writeString(outDir.resolve(CaptionDataset.CAPTIONS), captions.toString());
        AtomicFiles.writeString(outDir.resolve("README.md"), readme(outDir, count, size, seed, twoShapeFraction, heldOut, twoShapes));
    }

    /** SplitMix64's finaliser: neighbouring (seed, index) pairs must not give java.util.Random neighbouring seeds, whose first draws are alike. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static ShapeSpec shape(Random random, List<ShapeCombo> heldOut) {
        while (true) {
            ShapeSpec spec = new ShapeSpec(pick(random, ShapeType.values()), pick(random, ShapeColour.values()),
                    pick(random, ShapeSize.values()), 0.5, 0.5, 0.5);
            if (heldOut.stream().noneMatch(c -> c.matches(spec))) {
                return spec;
            }
        }
    }

    private static <E> E pick(Random random, E[] values) {
        return values[random.nextInt(values.length)];
    }

    /** The dataset's README.md (resource {@code dataset-README.md}): what it holds and the command that made it. */
    private static String readme(Path outDir, int count, int size, long seed, double twoShapeFraction,
                                 List<ShapeCombo> heldOut, int twoShapes) {
        String holdOut = heldOut.isEmpty() ? "" : " --hold-out \"" + heldOut.stream().map(ShapeCombo::toString)
                .collect(Collectors.joining(",")) + "\"";
        Map<String, String> values = new LinkedHashMap<>();
        values.put("count", String.format(Locale.ROOT, "%d", count));
        values.put("size", String.format(Locale.ROOT, "%d", size));
        values.put("twoShapes", String.format(Locale.ROOT, "%d", twoShapes));
        values.put("out", String.valueOf(outDir.getFileName()));
        values.put("seed", String.format(Locale.ROOT, "%d", seed));
        values.put("twoShapeFraction", String.valueOf(twoShapeFraction));
        values.put("holdOut", holdOut);
        values.put("captions", CaptionDataset.CAPTIONS);
        values.put("shapes", Worded.words(ShapeType.values()));
        values.put("colours", Worded.words(ShapeColour.values()));
        values.put("relations", Worded.words(Relation.values()));
        values.put("backgrounds", Worded.words(Background.values()));
        values.put("heldOut", heldOut.isEmpty() ? "none" : heldOut.stream().map(ShapeCombo::toString).collect(Collectors.joining(", ")));
        return TextTemplate.fill(ShapesGenerator.class, "dataset-README.md", values);
    }
}
