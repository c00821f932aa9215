package dev.dalle2.eval;

import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapesGenerator;
import dev.dalle2.decoder.UNet;
import dev.dalle2.decoder.UNetConfig;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.nn.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code eval decoder}'s API: fresh captions, one image each, written as a caption folder and scored. */
class DecoderEvaluationTest {
    @TempDir
    Path dir;

    @Test
    void writesAnImagePerFreshCaptionAndScoresEachOnce() throws IOException {
        Path model = decoder(dir.resolve("decoder"), ShapeAttributes.vectorSize());
        DecoderEvaluation.Request request = new DecoderEvaluation.Request(model, dir.resolve("out"), 3, 2, 2, Double.NaN, 7);
        ShapesEvaluation scores = DecoderEvaluation.run(request);
        assertEquals(3, scores.images());
        assertEquals(3, scores.oneShapeImages(), "fresh captions have one shape");

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            expected.add("{\"image\":\"images/%06d.png\",\"caption\":\"%s\"}".formatted(i,
                    ShapesGenerator.sample(7, i, 0.0).caption()));
        }
        assertEquals(expected, Files.readAllLines(dir.resolve("out").resolve(CaptionDataset.CAPTIONS)));

        DecoderEvaluation.run(new DecoderEvaluation.Request(model, dir.resolve("again"), 3, 2, 2, Double.NaN, 7));
        for (int i = 0; i < 3; i++) {
            String name = CaptionedImages.name(i);
            assertArrayEquals(Files.readAllBytes(dir.resolve("out").resolve(name)),
                    Files.readAllBytes(dir.resolve("again").resolve(name)), "the seed fixes " + name);
        }
    }

    @Test
    void aDecoderOfOtherConditioningIsRefused() throws IOException {
        Path model = decoder(dir.resolve("clip-decoder"), 8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecoderEvaluation.run(
                new DecoderEvaluation.Request(model, dir.resolve("out"), 1, 1, 2, Double.NaN, 0)));
        assertEquals(model + " is not a decoder conditioned on shapes attributes", e.getMessage());
    }

    /** A tiny untrained 16-px decoder folder conditioned on {@code condDim} floats, sampled with 2 DDIM steps. */
    private static Path decoder(Path folder, int condDim) throws IOException {
        Engine.seed(0);
        UNetConfig unet = new UNetConfig(16, 3, 3, 16, List.of(1, 2), 1, List.of(), 16, 0.0, condDim, 2, null);
        Map<String, Object> recipe = Map.of("kind", "decoder", "unet", unet,
                "diffusion", Map.of("schedule", "cosine", "steps", 100, "prediction", "v"),
                "sampling", Map.of("sampler", "ddim", "steps", 2, "eta", 0.0, "guidance", 2.0, "x0", "clip"));
        NetworkFolder.write(folder, recipe, new UNet(unet).namedParameters(), Map.of());
        return folder;
    }
}
