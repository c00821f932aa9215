package dev.dalle2.eval;

import dev.dalle2.clip.ClipConfig;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.Split;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapesGenerator;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import dev.dalle2.tokenizer.BpeTokenizer;
import dev.dalle2.tokenizer.BpeTrainer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Image→text recall and its standard error against values worked out by hand, the report {@code eval clip} prints,
 * and which images the zero-shot shapes accuracy counts.
 */
class ClipEvaluationTest {
    private static final ClipEvaluation.Report REPORT = new ClipEvaluation.Report(10, 8, 0.1, 0.5, 0.25, 0.75, 4, 0.5, 1.0);

    @Test
    void recallCountsImagesWhoseLabelIsAmongTheKNearest() {
        try (PointerScope scope = new PointerScope()) {
            // labels along +x, +y and -x; the second image points at label 0 but belongs to label 2, ranked last
            Tensor labels = Ops.tensor(new float[] {1, 0, 0, 1, -1, 0}, 3, 2);
            Tensor images = Ops.tensor(new float[] {1, 0, 1, 0, 0, 1}, 3, 2);
            long[] labelOf = {0, 2, 1};
            assertEquals(2.0 / 3, ClipEvaluation.imageToTextRecall(images, labels, labelOf, 1), 1e-12);
            assertEquals(2.0 / 3, ClipEvaluation.imageToTextRecall(images, labels, labelOf, 2), 1e-12);
            assertEquals(1.0, ClipEvaluation.imageToTextRecall(images, labels, labelOf, 3), 1e-12);
        }
    }

    @Test
    void standardErrorIsBinomial() {
        assertEquals(0.0489898, ClipEvaluation.standardError(0.4, 100), 1e-7);
        assertEquals(0.25, ClipEvaluation.standardError(0.5, 4), 1e-12);
        assertEquals(0.0, ClipEvaluation.standardError(0.0, 50), 0.0);
        assertEquals(0.0, ClipEvaluation.standardError(1.0, 7), 0.0);
        assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.standardError(0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.standardError(1.2, 10));
        assertThrows(IllegalArgumentException.class, () -> ClipEvaluation.standardError(Double.NaN, 10));
    }

    @Test
    void theTableGivesEachRecallInItsPlace() {
        String nl = System.lineSeparator();
        assertEquals("held-out images     10 (fraction:0.2 of data/shapes), 8 distinct labels" + nl
                + "image→text  R@1 10.0%  R@5 50.0%" + nl
                + "text→image  R@1 25.0%  R@5 75.0%" + nl
                + "zero-shot on 4 one-shape images: shape 50.0%, colour 100.0%" + nl,
                REPORT.table("fraction:0.2", Path.of("data/shapes")));
        ClipEvaluation.Report noShapes = new ClipEvaluation.Report(10, 8, 0.1, 0.5, 0.25, 0.75, 0, Double.NaN, Double.NaN);
        assertFalse(noShapes.table("all", Path.of("d")).contains("zero-shot"), "no zero-shot line without shapes captions");
    }

    @Test
    void theJsonHasOneFieldPerNumber() throws IOException {
        assertEquals("{\"images\":10,\"labels\":8,\"imageToText1\":0.1,\"imageToText5\":0.5,\"textToImage1\":0.25,"
                + "\"textToImage5\":0.75,\"shapeImages\":4,\"zeroShotShape\":0.5,\"zeroShotColour\":1.0}", REPORT.json());
    }

    @Test
    void zeroShotCountsTheOneShapeShapesCaptionsAndSkipsOthers(@TempDir Path dir) throws IOException {
        Path dataset = dir.resolve("mixed");
        ShapesGenerator.generate(dataset, 12, 16, 3, 0.3);
        List<String> lines = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String caption = i % 3 == 0 ? "an emoji of a red apple " + i : ShapesGenerator.sample(3, i, 0.3).caption();
            captions.add(caption);
            lines.add("{\"image\":\"images/%06d.png\",\"caption\":\"%s\"}".formatted(i, caption));
        }
        Files.write(dataset.resolve(CaptionDataset.CAPTIONS), lines);
        long oneShape = captions.stream().filter(c -> ShapeAttributes.tryParse(c).map(a -> a.shapes().size() == 1)
                .orElse(false)).count();
        assertTrue(oneShape > 0 && oneShape < 8, "some captions of each kind: " + oneShape);

        CaptionDataset data = CaptionDataset.load(dataset, 16);
        List<String> all = data.entries().stream().map(CaptionDataset.Entry::caption).toList();
        BpeTokenizer tokenizer = new BpeTokenizer(BpeTrainer.train(all, BpeTrainer.BASE_VOCAB + 60));
        Engine.seed(0);
        ClipModel clip = new ClipModel(new ClipConfig(tokenizer.vocabSize(), 20, 16, 1, 2, 16, 4, 16, 1, 2, 8,
                tokenizer.endToken()));
        ClipEvaluation.Report mixed = ClipEvaluation.evaluate(clip, tokenizer, data, data.indices(Split.NONE, false), 5);
        assertEquals(12, mixed.images());
        assertEquals(oneShape, mixed.shapeImages());
        assertTrue(mixed.zeroShotShape() >= 0 && mixed.zeroShotColour() <= 1, mixed.toString());

        int[] emoji = {0, 3, 6, 9};
        ClipEvaluation.Report none = ClipEvaluation.evaluate(clip, tokenizer, data, emoji, 5);
        assertEquals(0, none.shapeImages());
        assertTrue(Double.isNaN(none.zeroShotShape()) && Double.isNaN(none.zeroShotColour()), none.toString());
    }
}
