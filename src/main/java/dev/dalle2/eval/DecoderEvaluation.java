package dev.dalle2.eval;

import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.data.shapes.ShapeScorer;
import dev.dalle2.data.shapes.ShapesGenerator;
import dev.dalle2.decoder.DecoderSampling;
import dev.dalle2.decoder.UNetFolder;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.io.Images;
import dev.dalle2.io.Progress;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How well a decoder conditioned on shapes attributes draws what it is asked for ({@code dalle2 eval decoder}):
 * fresh one-shape captions ({@link ShapesGenerator#sample} from the seed), an image decoded for each from its
 * attribute vector, written with its caption ({@link CaptionedImages}), and scored from the pixels as
 * {@link ShapesEvaluation#score} does.
 */
public final class DecoderEvaluation {
    /**
     * What to generate and how.
     *
     * @param model    the decoder folder (config.json + weights.safetensors)
     * @param out      where {@code images/} and {@code captions.jsonl} go
     * @param count    images to generate
     * @param batch    images sampled together
     * @param steps    sampling steps; 0 for the model's
     * @param guidance the guidance scale; NaN for the model's
     * @param seed     the seed of the captions and of the noise
     */
    public record Request(Path model, Path out, int count, int batch, int steps, double guidance, long seed) {}

    private DecoderEvaluation() {}

    /** Loads the decoder, generates, writes and scores the images; an exception when it is not a shapes decoder. */
    public static ShapesEvaluation run(Request request) throws IOException {
        UNetFolder decoder = UNetFolder.load(request.model(), "decoder");
        if (!decoder.kind().equals("decoder") || decoder.net().config().condDim() != ShapeAttributes.vectorSize()) {
            throw new IllegalArgumentException(request.model() + " is not a decoder conditioned on shapes attributes");
        }
        Sampler sampler = decoder.sampler(request.steps());
        double scale = Double.isNaN(request.guidance()) ? decoder.sampling().guidance() : request.guidance();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < request.count(); i++) {
            captions.add(ShapesGenerator.sample(request.seed(), i, 0.0).caption());
        }
        List<ShapeAttributes> expected = captions.stream().map(ShapeAttributes::parse).toList();
        int size = decoder.net().config().imageSize();
        Generator g = Ops.generator(request.seed());
        ShapesEvaluation evaluation = new ShapesEvaluation();
        CaptionedImages images = new CaptionedImages(request.out());
        try (Progress progress = new Progress("decode", request.count())) {
            for (int start = 0; start < request.count(); start += request.batch()) {
                int n = Math.min(request.batch(), request.count() - start);
                float[] cond = new float[n * ShapeAttributes.vectorSize()];
                for (int i = 0; i < n; i++) {
                    float[] v = expected.get(start + i).toVector();
                    System.arraycopy(v, 0, cond, i * v.length, v.length);
                }
                List<String> batchCaptions = captions.subList(start, start + n);
                List<ShapeAttributes> batchExpected = expected.subList(start, start + n);
                Scopes.freeing(() -> {
                    Tensor drawn = DecoderSampling.sample(decoder.net(), sampler, scale,
                            Ops.tensor(cond, n, ShapeAttributes.vectorSize()), null, Ops.randn(g, n, 3, size, size), g, null);
                    write(drawn, batchCaptions, batchExpected, images, evaluation);
                    return null;
                });
                progress.update(start + n, "");
            }
        }
        images.finish();
        return evaluation;
    }

    /** Writes a batch of images [n, 3, S, S] with their captions and scores each against its attributes. */
    private static void write(Tensor drawn, List<String> captions, List<ShapeAttributes> expected, CaptionedImages images,
                              ShapesEvaluation evaluation) throws IOException {
        for (int i = 0; i < captions.size(); i++) {
            Tensor image = drawn.select(0, i);
            images.add(image, captions.get(i));
            evaluation.add(expected.get(i), ShapeScorer.matches(expected.get(i), Images.toImage(image)));
        }
    }
}
