package dev.dalle2.data;

import dev.dalle2.clip.ClipConfig;
import dev.dalle2.clip.ClipModel;
import dev.dalle2.eval.ClipEvaluation;
import dev.dalle2.io.Images;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import dev.dalle2.tokenizer.BpeTokenizer;
import dev.dalle2.tokenizer.BpeTrainer;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Labels gather every caption of a concept; a label's embedding is the normalised mean of its captions'. */
class LabelsTest {
    @TempDir
    Path dir;

    private CaptionDataset dataset() throws IOException {
        Files.createDirectories(dir.resolve("images"));
        for (String key : List.of("a", "b", "c")) {
            Images.write(dir.resolve("images/" + key + ".png"), Ops.zeros(3, 16, 16));
        }
        Files.writeString(dir.resolve("captions.jsonl"), String.join("\n",
                "{\"image\":\"images/a.png\",\"captions\":[\"an emoji of apple\",\"apple: fruit\"],\"concept\":\"apple\"}",
                "{\"image\":\"images/b.png\",\"captions\":[\"an emoji of apple\",\"apple skin: fruit\"],\"concept\":\"apple\"}",
                "{\"image\":\"images/c.png\",\"caption\":\"a dog\"}") + "\n");
        return CaptionDataset.load(dir, 16);
    }

    @Test
    void gatherTheDistinctCaptionsOfEachConcept() throws IOException {
        Labels labels = Labels.of(dataset(), new int[] {0, 1, 2});
        assertEquals(List.of("apple", "a dog"), labels.names());
        assertEquals(List.of(List.of("an emoji of apple", "apple: fruit", "apple skin: fruit"), List.of("a dog")),
                labels.captions());
        assertArrayEquals(new int[] {0, 2}, labels.firstEntry());
        assertArrayEquals(new long[] {0, 0, 1}, labels.labelOf());
    }

    @Test
    void labelEmbeddingIsTheNormalisedMeanOfItsCaptions() throws IOException {
        Labels labels = Labels.of(dataset(), new int[] {0, 1, 2});
        List<String> all = List.of("an emoji of apple", "apple: fruit", "apple skin: fruit", "a dog");
        BpeTokenizer tokenizer = new BpeTokenizer(BpeTrainer.train(all, BpeTrainer.BASE_VOCAB + 20));
        Engine.seed(5);
        ClipModel clip = new ClipModel(new ClipConfig(tokenizer.vocabSize(), 12, 16, 1, 2, 16, 4, 16, 1, 2, 8,
                tokenizer.endToken()));
        try (NoGradGuard g = new NoGradGuard()) {
            float[] each = Ops.toFloats(ClipEvaluation.textEmbeddings(clip, tokenizer, all, 2));
            float[] got = Ops.toFloats(ClipEvaluation.labelEmbeddings(clip, tokenizer, labels, 2));
            float[] sum = new float[8];
            double norm = 0;
            for (int j = 0; j < 8; j++) {
                sum[j] = each[j] + each[8 + j] + each[16 + j];
                norm += sum[j] * sum[j];
            }
            for (int j = 0; j < 8; j++) {
                assertEquals(sum[j] / Math.sqrt(norm), got[j], 1e-5, "apple, component " + j);
                assertEquals(each[24 + j], got[8 + j], 1e-5, "a dog, component " + j);
            }
        }
    }
}
