package dev.dalle2.pipeline;

import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What {@link Pipeline#inpaint} and {@link Pipeline#outpaint} refuse, before any sampling, on the shipped shapes model. */
class InpaintArgumentsTest {
    private static final Settings QUICK = new Settings(2, 2, 2, Double.NaN, Double.NaN, 1, null, "fp32");
    private static Pipeline pipeline;

    @BeforeAll
    static void load() throws IOException {
        pipeline = Pipeline.load(Path.of("models/shapes"));
        pipeline.showProgress(false);
    }

    private static String refusal(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }

    @Test
    void masksAndImagesOfTheWrongShapeOrValuesAreRefused() {
        Scopes.freeing(() -> {
            Tensor image = Ops.zeros(3, 64, 64);
            assertEquals("the mask must be [1, 64, 64], got [1, 32, 32]", refusal(() ->
                    pipeline.inpaint(image, Ops.ones(1, 32, 32), "a red circle", 1, 0, QUICK, Inpainting.DEFAULT)));
            assertEquals("the mask must hold only 0 (keep) and 1 (repaint)", refusal(() ->
                    pipeline.inpaint(image, Ops.full(0.5, 1, 64, 64), "a red circle", 1, 0, QUICK, Inpainting.DEFAULT)));
            assertEquals("the mask must hold only 0 (keep) and 1 (repaint)", refusal(() ->
                    pipeline.inpaint(image, Ops.full(Double.NaN, 1, 64, 64), "a red circle", 1, 0, QUICK, Inpainting.DEFAULT)));
            assertEquals("the image must be [3, 64, 64] (this model's size), got [3, 32, 32]", refusal(() ->
                    pipeline.inpaint(Ops.zeros(3, 32, 32), Ops.ones(1, 32, 32), "a red circle", 1, 0, QUICK, Inpainting.DEFAULT)));
            assertEquals("the images must be [2, 3, 64, 64] (one per prompt, at this model's size), got [1, 3, 64, 64]",
                    refusal(() -> pipeline.inpaint(Ops.zeros(1, 3, 64, 64), Ops.ones(1, 1, 64, 64), List.of("a", "b"), 0,
                            QUICK, Inpainting.DEFAULT)));
            assertEquals("models/shapes has no inpainting decoder (decoder-inpaint/); use the method repaint", refusal(() ->
                    pipeline.inpaint(image, Ops.ones(1, 64, 64), "a red circle", 1, 0, QUICK, new Inpainting("decoder", 0))));
            assertEquals("the image must be [3, 64, 64] (this model's size), got [3, 60, 64]", refusal(() ->
                    pipeline.outpaint(Ops.zeros(3, 60, 64), Extension.of("up", 8), "a red circle", 1, 0, QUICK, Inpainting.DEFAULT)));
            return null;
        });
    }

    @Test
    void aMaskOfOnesIsGenerationAndOfZerosGivesTheImageBack() {
        Scopes.freeing(() -> {
            Tensor image = Ops.clamp(Ops.randn(Ops.generator(1), 3, 64, 64), -1, 1);
            Tensor kept = pipeline.inpaint(image, Ops.zeros(1, 64, 64), "a red circle", 2, 0, QUICK, Inpainting.DEFAULT);
            assertEquals(0.0, Ops.item(kept.sub(image.unsqueeze(0)).abs().max()));
            Tensor full = pipeline.inpaint(image, Ops.ones(1, 64, 64), "a red circle", 2, 0, QUICK, Inpainting.DEFAULT);
            assertEquals(List.of(2L, 3L, 64L, 64L), java.util.Arrays.stream(full.shape()).boxed().toList());
            return null;
        });
    }
}
