package dev.dalle2.clip;

import dev.dalle2.nn.Autocast;
import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * CLIP's symmetric contrastive loss. Row i of the image and text embeddings is a matching pair;
 * every other row of the batch is a negative. Computed in fp32, also inside bf16 autocast.
 */
public final class ClipLoss {
    private ClipLoss() {}

    /**
     * The similarity logits scale · I Tᵀ, float32 [B, B]: row i scores image i against every text,
     * column j scores text j against every image.
     *
     * @param imageEmbeds [B, D]
     * @param textEmbeds  [B, D]
     * @param scale       a scalar tensor (the model's {@link ClipModel#logitScale()})
     */
    public static Tensor logits(Tensor imageEmbeds, Tensor textEmbeds, Tensor scale) {
        if (imageEmbeds.dim() != 2 || !Arrays.equals(imageEmbeds.shape(), textEmbeds.shape())) {
            throw new IllegalArgumentException("CLIP pairs image and text embeddings of one shape [B, D], got "
                    + Arrays.toString(imageEmbeds.shape()) + " and " + Arrays.toString(textEmbeds.shape()));
        }
        try (Autocast fp32 = Autocast.bf16(false)) {
            return float32(imageEmbeds).matmul(float32(textEmbeds).t()).mul(float32(scale));
        }
    }

    /**
     * The mean of the two cross-entropies of {@link #logits} against the diagonal: choosing the
     * right text for each image (rows) and the right image for each text (columns). A float32 scalar.
     */
    public static Tensor loss(Tensor imageEmbeds, Tensor textEmbeds, Tensor scale) {
        Tensor logits = logits(imageEmbeds, textEmbeds, scale);
        Tensor imageToText = torch.log_softmax(logits, 1).diagonal().mean();
        Tensor textToImage = torch.log_softmax(logits, 0).diagonal().mean();
        return Ops.mul(imageToText.add(textToImage), -0.5);
    }

    private static Tensor float32(Tensor t) {
        return t.to(torch.ScalarType.Float);
    }
}
