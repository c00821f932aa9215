package dev.dalle2.eval;

import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeMatch;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lines {@code eval model} prints, for numbers chosen so that any two swapped would show. */
class ModelEvaluationTest {
    private static final String NL = System.lineSeparator();

    @Test
    void thePriorLineGivesItsCosineBeforeTheBaseline() {
        assertEquals("prior on 3 held-out captions: cosine to the true image embedding 0.900 (text-embedding baseline 0.300)"
                + NL, new ModelEvaluation.PriorQuality(3, 0.9, 0.3).report());
        assertEquals("prior: the dataset holds out no captions to measure its cosine on" + NL,
                new ModelEvaluation.PriorQuality(0, Double.NaN, Double.NaN).report());
    }

    @Test
    void theGenerationLineIsFollowedByAnyShapesAccuracies() throws IOException {
        ShapesEvaluation none = new ShapesEvaluation();
        assertEquals("CLIP score of 2 generated images (mean cosine to their prompt): 0.346; images in out/x" + NL,
                new ModelEvaluation.Generation(2, 0.3456, none, Path.of("out/x")).report());
        assertEquals("", new ModelEvaluation.Generation(2, Double.NaN, none, null).report(), "nothing with the prior alone");
        ShapesEvaluation shapes = new ShapesEvaluation();
        shapes.add(ShapeAttributes.parse("a small red circle"), new ShapeMatch(true, false, null));
        assertEquals("CLIP score of 1 generated images (mean cosine to their prompt): 0.500; images in out" + NL
                + shapes.report(false), new ModelEvaluation.Generation(1, 0.5, shapes, Path.of("out")).report());
    }

    @Test
    void theConceptRecallNamesEachRecallWithItsStandardError() {
        assertEquals("image→text recall@5 over 16 concept names: generated 75.0% ± 21.7 (the prior's image embeddings "
                + "themselves 25.0% ± 21.7), decoded from the real images' CLIP embeddings 100.0% ± 0.0, real images of "
                + "the same 4 concepts 50.0% ± 25.0 (ratio 1.50); ± one standard error over the 4 concepts" + NL,
                new ModelEvaluation.ConceptRecall(16, 4, 0.25, 0.5, 0.75, 1.0).report());
        assertEquals("image→text recall@5 over 16 concept names: the prior's image embeddings 25.0% ± 21.7, real images "
                + "of the same 4 concepts 50.0% ± 25.0; ± one standard error over the 4 concepts" + NL,
                new ModelEvaluation.ConceptRecall(16, 4, 0.25, 0.5, Double.NaN, Double.NaN).report());
    }

    @Test
    void theWholeReportIsItsPartsInOrder() throws IOException {
        ModelEvaluation.PriorQuality prior = new ModelEvaluation.PriorQuality(3, 0.9, 0.3);
        ModelEvaluation.Generation generation = new ModelEvaluation.Generation(2, 0.5, new ShapesEvaluation(), Path.of("o"));
        ModelEvaluation.ConceptRecall recall = new ModelEvaluation.ConceptRecall(16, 4, 0.25, 0.5, 0.75, 1.0);
        assertEquals(prior.report() + generation.report() + recall.report(),
                new ModelEvaluation.Result(prior, generation, recall).report());
        assertEquals(prior.report() + generation.report(), new ModelEvaluation.Result(prior, generation, null).report());
    }
}
