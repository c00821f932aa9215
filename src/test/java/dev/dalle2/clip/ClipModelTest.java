package dev.dalle2.clip;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.nn.Autocast;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.dalle2.clip.ClipTesting.*;
import static org.junit.jupiter.api.Assertions.*;

class ClipModelTest {
    private static final List<String> PAIR = List.of("a small red square", "a large blue square");

    private static ClipModel tinyModel() {
        return new ClipModel(tiny(32, 2, 16));
    }

    private static void set(ClipModel model, String name, double value) {
        try (NoGradGuard g = new NoGradGuard()) {
            model.namedParameters().get(name).fill_(Ops.scalar(value));
        }
    }

    private static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }

    private static void assertUnitRows(Tensor t) {
        float[] v = Ops.toFloats(t);
        int d = (int) t.size(1);
        for (int b = 0; b < t.size(0); b++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                sq += v[b * d + j] * v[b * d + j];
            }
            assertEquals(1, Math.sqrt(sq), 1e-5, "norm of row " + b);
        }
    }

    private static boolean isFloat32(Tensor t) {
        return t.scalar_type().intern() == torch.ScalarType.Float;
    }

    @Test
    void outputShapesAndUnitNorms() {
        ClipModel model = tinyModel();
        try (NoGradGuard g = new NoGradGuard()) {
            ClipModel.TextFeatures text = model.encodeText(ids(PAIR));
            assertArrayEquals(new long[] {2, CONTEXT, 32}, text.tokens().shape());
            assertArrayEquals(new long[] {2, 16}, text.embedding().shape());
            assertUnitRows(text.embedding());
            Tensor image = model.encodeImage(images(3));
            assertArrayEquals(new long[] {3, 16}, image.shape());
            assertUnitRows(image);
            // Shorter id rows than the context also work (the first positions are used).
            assertArrayEquals(new long[] {2, 6, 32}, model.encodeText(ids(PAIR).narrow(1, 0, 6)).tokens().shape());
        }
    }

    @Test
    void parametersCarryHuggingFaceNamesAndShapes() {
        ClipConfig c = tiny(32, 2, 16);
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("text_model.embeddings.token_embedding.weight", new long[] {c.vocabSize(), 32});
        expected.put("text_model.embeddings.position_embedding.weight", new long[] {CONTEXT, 32});
        expected.put("text_model.final_layer_norm.weight", new long[] {32});
        expected.put("text_model.final_layer_norm.bias", new long[] {32});
        expected.put("text_projection.weight", new long[] {16, 32});
        expected.put("vision_model.embeddings.class_embedding", new long[] {32});
        expected.put("vision_model.embeddings.patch_embedding.weight", new long[] {32, 3, 4, 4});
        expected.put("vision_model.embeddings.position_embedding.weight", new long[] {17, 32});
        for (String norm : List.of("pre_layrnorm", "post_layernorm")) {
            expected.put("vision_model." + norm + ".weight", new long[] {32});
            expected.put("vision_model." + norm + ".bias", new long[] {32});
        }
        expected.put("visual_projection.weight", new long[] {16, 32});
        expected.put("logit_scale", new long[] {});
        for (String tower : List.of("text_model", "vision_model")) {
            for (int i = 0; i < 2; i++) {
                String layer = tower + ".encoder.layers." + i + ".";
                for (String p : List.of("layer_norm1", "layer_norm2", "self_attn.q_proj", "self_attn.k_proj",
                        "self_attn.v_proj", "self_attn.out_proj")) {
                    expected.put(layer + p + ".weight", p.startsWith("layer") ? new long[] {32} : new long[] {32, 32});
                    expected.put(layer + p + ".bias", new long[] {32});
                }
                expected.put(layer + "mlp.fc1.weight", new long[] {128, 32});
                expected.put(layer + "mlp.fc1.bias", new long[] {128});
                expected.put(layer + "mlp.fc2.weight", new long[] {32, 128});
                expected.put(layer + "mlp.fc2.bias", new long[] {32});
            }
        }
        Map<String, Tensor> actual = new ClipModel(c).namedParameters();
        assertEquals(expected.keySet().stream().sorted().toList(), actual.keySet().stream().sorted().toList());
        expected.forEach((name, shape) -> assertArrayEquals(shape, actual.get(name).shape(), name));
    }

    @Test
    void vitB32HasHuggingFacesParameterCount() {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            ClipModel model = new ClipModel(ClipConfig.vitB32());
            assertEquals(151_277_313L, model.parameterCount());
            assertEquals(ClipModel.INITIAL_LOGIT_SCALE, Ops.item(model.namedParameters().get("logit_scale")), 1e-6);
            model.parameters().forEach(p -> p.releaseReference()); // frees its 605 MB now, not at some later GC
        }
    }

    @Test
    void gradientsReachEveryParameterFromTheLoss() {
        ClipModel model = tinyModel();
        // The long caption fills the context, so every position embedding feeds the pooled token.
        Tensor ids = ids(List.of("a red square", "a large blue square and a small green square"));
        Tensor loss = model.loss(model.encodeImage(images(2)), model.encodeText(ids).embedding());
        loss.backward();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            Tensor grad = e.getValue().grad();
            assertTrue(grad.defined() && Ops.item(grad.abs().sum()) > 0, "no gradient at " + e.getKey());
        }
    }

    @Test
    void sameSeedGivesTheSameModelAndOutputs() {
        Engine.seed(11);
        ClipModel a = tinyModel();
        Engine.seed(11);
        ClipModel b = tinyModel();
        Engine.seed(12);
        ClipModel c = tinyModel();
        Tensor ids = ids(PAIR);
        Tensor images = images(2);
        try (NoGradGuard g = new NoGradGuard()) {
            assertArrayEquals(Ops.toFloats(a.encodeText(ids).embedding()), Ops.toFloats(b.encodeText(ids).embedding()));
            assertArrayEquals(Ops.toFloats(a.encodeImage(images)), Ops.toFloats(b.encodeImage(images)));
            assertFalse(Arrays.equals(Ops.toFloats(a.encodeImage(images)), Ops.toFloats(c.encodeImage(images))));
        }
    }

    @Test
    void lossOfAHandMadeBatchMatchesTheFormula() {
        ClipModel model = tinyModel();
        set(model, "logit_scale", Math.log(10));
        double[][] img = {{1, 0}, {0.6, 0.8}};
        double[][] txt = {{0.8, 0.6}, {0, 1}};
        // logits[i][j] = 10 · img_i · txt_j; cross-entropy of rows and of columns against the diagonal.
        double[][] l = new double[2][2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                l[i][j] = 10 * (img[i][0] * txt[j][0] + img[i][1] * txt[j][1]);
            }
        }
        double rows = 0;
        double cols = 0;
        for (int i = 0; i < 2; i++) {
            rows += -l[i][i] + Math.log(Math.exp(l[i][0]) + Math.exp(l[i][1]));
            cols += -l[i][i] + Math.log(Math.exp(l[0][i]) + Math.exp(l[1][i]));
        }
        double expected = (rows / 2 + cols / 2) / 2;
        Tensor loss = model.loss(Ops.tensor(new float[] {1, 0, 0.6f, 0.8f}, 2, 2), Ops.tensor(new float[] {0.8f, 0.6f, 0, 1}, 2, 2));
        assertEquals(expected, Ops.item(loss), 1e-5);
        assertArrayEquals(new long[] {}, loss.shape());
    }

    @Test
    void temperatureIsClampedAtOneHundred() {
        ClipModel model = tinyModel();
        Tensor logitScale = model.namedParameters().get("logit_scale");
        assertEquals(1 / 0.07, Ops.item(model.logitScale()), 1e-4);

        set(model, "logit_scale", Math.log(10));
        model.logitScale().backward();
        assertEquals(10, Ops.item(logitScale.grad()), 1e-4, "d exp(s)/ds = exp(s) below the clamp");

        set(model, "logit_scale", 10);
        logitScale.grad().zero_();
        Tensor scale = model.logitScale();
        assertEquals(100, Ops.item(scale), 1e-3);
        scale.backward();
        assertEquals(0, Ops.item(logitScale.grad()), "no gradient above the clamp");
    }

    @Test
    void textEmbeddingIsReadAtTheFirstEndToken() {
        // End token 3 is not the largest id, so "the first end token" differs from "the largest id".
        ClipConfig c = new ClipConfig(40, 8, 16, 1, 2, 8, 4, 16, 1, 2, 8, 3);
        ClipModel model = new ClipModel(c);
        long[] row = {1, 20, 30, 3, 39, 3, 0, 0};
        try (NoGradGuard g = new NoGradGuard()) {
            ClipModel.TextFeatures f = model.encodeText(Ops.longTensor(row, 1, 8));
            Tensor atEnd = f.tokens().select(1, 3);
            Tensor projected = atEnd.matmul(model.namedParameters().get("text_projection.weight").t());
            float[] expected = Ops.toFloats(projected.div(projected.norm()));
            assertClose(expected, Ops.toFloats(f.embedding()), 1e-6);

            long[] later = row.clone();
            later[4] = 7;
            later[6] = 21;
            assertClose(expected, Ops.toFloats(model.encodeText(Ops.longTensor(later, 1, 8)).embedding()), 1e-6);
            long[] earlier = row.clone();
            earlier[2] = 31;
            assertFalse(Arrays.equals(Ops.toFloats(f.embedding()),
                    Ops.toFloats(model.encodeText(Ops.longTensor(earlier, 1, 8)).embedding())));
        }
    }

    @Test
    void causalMaskHidesLaterTokens() {
        ClipModel model = tinyModel();
        long[] row = TOKENIZER.tokenize(List.of("a small red square and a large blue square"), CONTEXT)[0];
        long[] changed = row.clone();
        changed[5] = TOKENIZER.encode("green")[0];
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor before = model.encodeText(Ops.longTensor(row, 1, CONTEXT)).tokens();
            Tensor after = model.encodeText(Ops.longTensor(changed, 1, CONTEXT)).tokens();
            assertClose(Ops.toFloats(before.narrow(1, 0, 5)), Ops.toFloats(after.narrow(1, 0, 5)), 1e-6);
            assertFalse(Arrays.equals(Ops.toFloats(before.narrow(1, 5, 1)), Ops.toFloats(after.narrow(1, 5, 1))));
        }
    }

    @Test
    void worksInsideBf16AutocastWithFloat32Embeddings() {
        ClipModel model = tinyModel();
        Tensor ids = ids(PAIR);
        Tensor images = images(2);
        float[] text32;
        float[] image32;
        try (NoGradGuard g = new NoGradGuard()) {
            text32 = Ops.toFloats(model.encodeText(ids).embedding());
            image32 = Ops.toFloats(model.encodeImage(images));
        }
        Tensor loss;
        try (Autocast a = Autocast.bf16(true)) {
            ClipModel.TextFeatures text = model.encodeText(ids);
            Tensor image = model.encodeImage(images);
            assertTrue(isFloat32(text.tokens()) && isFloat32(text.embedding()) && isFloat32(image), "float32 outputs");
            assertClose(text32, Ops.toFloats(text.embedding()), 0.05);
            assertClose(image32, Ops.toFloats(image), 0.05);
            loss = model.loss(image, text.embedding());
        }
        assertTrue(isFloat32(loss));
        loss.backward();
        assertTrue(isFloat32(model.namedParameters().get("visual_projection.weight").grad()), "fp32 gradients");
    }

    @Test
    void rejectsMalformedInputs() {
        ClipModel model = tinyModel();
        long[] noEnd = {TOKENIZER.startToken(), 1, 2, 3, 0, 0, 0, 0};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.encodeText(Ops.cat(0, ids(PAIR.subList(0, 1)), Ops.longTensor(noEnd, 1, CONTEXT))));
        assertTrue(e.getMessage().contains("[1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.encodeText(ids(PAIR).to(torch.ScalarType.Int)));
        assertThrows(IllegalArgumentException.class, () -> model.encodeText(TOKENIZER.tokenizeTensor(PAIR, CONTEXT + 1)));
        assertThrows(IllegalArgumentException.class, () -> model.encodeImage(Ops.zeros(1, 3, 8, 8)));
        assertThrows(IllegalArgumentException.class,
                () -> model.loss(Ops.zeros(2, 16), Ops.zeros(3, 16)));
    }

    @Test
    void configIsValidatedAndReadsBackFromJson() throws Exception {
        ClipConfig c = tiny(32, 2, 16);
        ObjectMapper json = new ObjectMapper();
        assertEquals(c, json.readValue(json.writeValueAsString(c), ClipConfig.class));
        assertEquals(50, ClipConfig.vitB32().visionTokens());
        assertThrows(IllegalArgumentException.class, () -> new ClipConfig(100, 8, 32, 1, 4, 18, 4, 32, 1, 4, 16, 99),
                "image size not a multiple of the patch size");
        assertThrows(IllegalArgumentException.class, () -> new ClipConfig(100, 8, 30, 1, 4, 16, 4, 32, 1, 4, 16, 99));
        assertThrows(IllegalArgumentException.class, () -> new ClipConfig(100, 8, 32, 1, 4, 16, 4, 32, 1, 5, 16, 99));
        assertThrows(IllegalArgumentException.class, () -> new ClipConfig(100, 8, 32, 1, 4, 16, 4, 32, 1, 4, 16, 100));
        assertThrows(IllegalArgumentException.class, () -> new ClipConfig(100, 8, 32, 0, 4, 16, 4, 32, 1, 4, 16, 99));
        assertThrows(IllegalArgumentException.class, () -> new ClipConfig(100, 8, 32, 1, 4, 16, 4, 32, 1, 4, 0, 99));
    }
}
