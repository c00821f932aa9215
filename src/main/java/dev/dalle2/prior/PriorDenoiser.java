package dev.dalle2.prior;

import dev.dalle2.diffusion.Denoiser;
import org.bytedeco.pytorch.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link DiffusionPrior} seen by the diffusion code: x_t is the noised image embedding [B, D] in
 * the scaled space, and the conditioning map holds {@code text_embed} [B, D] (scaled, required),
 * {@code text_tokens} [B, T, W] and {@code text_mask} [B, T] (for a prior with token encodings) and
 * {@code drop_text} [B] bool (optional; true rows get the null text condition). The output is the
 * predicted x₀ [B, D].
 */
public record PriorDenoiser(DiffusionPrior net) implements Denoiser {
    public static final String TEXT_EMBED = "text_embed";
    public static final String TEXT_TOKENS = "text_tokens";
    public static final String TEXT_MASK = "text_mask";
    public static final String DROP_TEXT = "drop_text";

    @Override
    public Tensor predict(Tensor xt, Tensor t, Map<String, Tensor> cond) {
        Tensor textEmbed = cond.get(TEXT_EMBED);
        if (textEmbed == null) {
            throw new IllegalArgumentException("the prior needs '" + TEXT_EMBED + "' in its conditioning");
        }
        return net.forward(xt, t, textEmbed, cond.get(TEXT_TOKENS), cond.get(TEXT_MASK), cond.get(DROP_TEXT));
    }

    /**
     * The conditioning map for {@link #predict}; null arguments are left out.
     *
     * @param scaledTextEmbed [B, D] text embeddings already in the scaled space
     */
    public static Map<String, Tensor> conditions(Tensor scaledTextEmbed, Tensor textTokens, Tensor textMask, Tensor dropText) {
        Map<String, Tensor> cond = new LinkedHashMap<>();
        cond.put(TEXT_EMBED, scaledTextEmbed);
        if (textTokens != null) {
            cond.put(TEXT_TOKENS, textTokens);
        }
        if (textMask != null) {
            cond.put(TEXT_MASK, textMask);
        }
        if (dropText != null) {
            cond.put(DROP_TEXT, dropText);
        }
        return cond;
    }
}
