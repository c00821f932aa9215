package dev.dalle2.clip;

import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.Test;

import static dev.dalle2.clip.ClipTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny CLIP must learn to match 8 coloured squares with their captions, in both directions. */
class ClipOverfitTest {
    /** Fraction of rows of logits [B, B] whose largest entry is on the diagonal. */
    private static double accuracy(Tensor logits) {
        long[] best = Ops.toLongs(logits.argmax(new LongOptional(1), false));
        int hits = 0;
        for (int i = 0; i < best.length; i++) {
            hits += best[i] == i ? 1 : 0;
        }
        return hits / (double) best.length;
    }

    @Test
    void tinyClipMatchesEveryImageWithItsCaption() {
        // Converges in about 50 steps (loss 2.31 → 0.003); 200 leave a wide margin.
        Engine.seed(0);
        ClipModel model = new ClipModel(tiny(64, 2, 32));
        int n = CAPTIONS.size();
        Tensor images = images(n);
        Tensor ids = ids(CAPTIONS);
        AdamWOptions options = new AdamWOptions(1e-3);
        options.weight_decay().put(0.0);
        AdamW optimizer = new AdamW(new TensorVector(model.parameters().toArray(new Tensor[0])), options);

        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 200; step++) {
            try (PointerScope scope = new PointerScope()) {
                optimizer.zero_grad();
                Tensor loss = model.loss(model.encodeImage(images), model.encodeText(ids).embedding());
                loss.backward();
                optimizer.step();
                last = Ops.item(loss);
                first = step == 0 ? last : first;
            }
        }
        System.out.printf("CLIP overfit: loss %.4f -> %.4f%n", first, last);
        assertEquals(Math.log(n), first, 0.5, "an untrained CLIP is close to chance");
        assertTrue(last < 0.1 * first, "loss fell from " + first + " to " + last);

        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            Tensor logits = ClipLoss.logits(model.encodeImage(images), model.encodeText(ids).embedding(), model.logitScale());
            assertEquals(1.0, accuracy(logits), "image → text retrieval");
            assertEquals(1.0, accuracy(logits.t()), "text → image retrieval");
        }
    }
}
