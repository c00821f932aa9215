package dev.dalle2.prior;

import dev.dalle2.nn.Activation;
import dev.dalle2.nn.Init;
import dev.dalle2.nn.LayerNorm;
import dev.dalle2.nn.Linear;
import dev.dalle2.nn.Module;
import dev.dalle2.nn.ModuleList;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.TimestepEmbedding;
import dev.dalle2.nn.TransformerBlock;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The diffusion prior of unCLIP: a decoder-only causal transformer that predicts a clean CLIP image
 * embedding x₀ from a noised one, the timestep and the caption.
 *
 * <p>The sequence, with learned position embeddings added, is
 * <pre>
 *   [text tokens ×T | text embedding | timestep | noised image embedding | query]
 *    W→width          D→width          sinusoidal+MLP  D→width                 learned
 * </pre>
 * (the T token positions only when {@code textWidth > 0}). It runs through pre-norm causal
 * {@link TransformerBlock}s and a final LayerNorm; the output at the query position, projected
 * width→D, is the predicted x₀. Token positions after the end token ({@code textMask} false) are
 * replaced by a learned padding vector, so no attention mask is needed and nothing of the padding
 * reaches the output.
 *
 * <p><b>Scaling.</b> CLIP embeddings are unit vectors (per-dimension variance ≈ 1/D); the diffusion
 * runs on them multiplied by √D, about unit variance per dimension ({@link #toDiffusionSpace}).
 * {@link #forward} takes the noised image embedding AND the text embedding in that scaled space and
 * predicts x₀ in it; {@link #fromDiffusionSpace} brings a sample back to a unit vector. Token
 * encodings go in as the CLIP text encoder gives them.
 *
 * <p><b>Classifier-free guidance.</b> Where {@code dropText} is true, the text embedding is replaced
 * by the learned {@code null_text_embed} [D] and the token encodings by the learned
 * {@code null_text_tokens} [T, W], all T positions counted as real tokens.
 *
 * <p>Parameters: {@code text_proj} (with tokens), {@code text_embed_proj}, {@code time_embed},
 * {@code image_embed_proj}, {@code query} [width], {@code pos_embed} [L, width], {@code pad_token}
 * [width] and {@code null_text_tokens} [T, W] (with tokens), {@code null_text_embed} [D],
 * {@code blocks.i.*}, {@code final_norm}, {@code out_proj}.
 */
public final class DiffusionPrior extends Module {
    private final PriorConfig config;
    private final Linear textProj;
    private final Linear textEmbedProj;
    private final TimestepEmbedding timeEmbed;
    private final Linear imageEmbedProj;
    private final Tensor query;
    private final Tensor posEmbed;
    private final Tensor padToken;
    private final Tensor nullTextTokens;
    private final Tensor nullTextEmbed;
    private final ModuleList<TransformerBlock> blocks = new ModuleList<>();
    private final LayerNorm finalNorm;
    private final Linear outProj;

    public DiffusionPrior(PriorConfig config) {
        this.config = config;
        int d = config.embedDim();
        int w = config.width();
        boolean tokens = config.tokenCount() > 0;
        textProj = tokens ? child("text_proj", new Linear(config.textWidth(), w)) : null;
        textEmbedProj = child("text_embed_proj", new Linear(d, w));
        timeEmbed = child("time_embed", new TimestepEmbedding(w, w));
        imageEmbedProj = child("image_embed_proj", new Linear(d, w));
        query = parameter("query", Init.normal(0.02, w));
        posEmbed = parameter("pos_embed", Init.normal(0.02, config.sequenceLength(), w));
        padToken = tokens ? parameter("pad_token", Init.normal(0.02, w)) : null;
        nullTextTokens = tokens ? parameter("null_text_tokens", Init.normal(1, config.contextLength(), config.textWidth())) : null;
        // Unit variance per dimension, like the scaled text embeddings it stands in for.
        nullTextEmbed = parameter("null_text_embed", Init.normal(1, d));
        child("blocks", blocks);
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new TransformerBlock(w, config.heads(), 4, true, Activation.GELU, config.dropout()));
        }
        finalNorm = child("final_norm", new LayerNorm(w));
        outProj = child("out_proj", new Linear(w, d));
    }

    public PriorConfig config() {
        return config;
    }

    /**
     * Predicts the clean image embedding. Every embedding is in the scaled space of {@link #toDiffusionSpace}.
     *
     * @param noisedImageEmbed x_t [B, D]
     * @param t                ORIGINAL timesteps [B] (int64)
     * @param textEmbed        CLIP text embedding z_t [B, D]
     * @param textTokens       CLIP text token encodings [B, T, W]; null exactly when {@code textWidth} is 0
     * @param textMask         [B, T] bool or integer, true/non-zero for real tokens; null = all real
     * @param dropText         [B] bool or integer, true/non-zero where the null text condition replaces the
     *                         caption (classifier-free guidance); null = drop none
     * @return predicted x₀ [B, D], float32
     */
    public Tensor forward(Tensor noisedImageEmbed, Tensor t, Tensor textEmbed, Tensor textTokens, Tensor textMask,
                          Tensor dropText) {
        Tensor h = sequence(noisedImageEmbed, t, textEmbed, textTokens, textMask, dropText);
        return outProj.forward(h.select(1, h.size(1) - 1)).to(torch.ScalarType.Float);
    }

    /** {@link #forward} with nothing dropped. */
    public Tensor forward(Tensor noisedImageEmbed, Tensor t, Tensor textEmbed, Tensor textTokens, Tensor textMask) {
        return forward(noisedImageEmbed, t, textEmbed, textTokens, textMask, null);
    }

    /** The normalised transformer output at every position, [B, L, width]; {@link #forward} reads the last. */
    Tensor sequence(Tensor noisedImageEmbed, Tensor t, Tensor textEmbed, Tensor textTokens, Tensor textMask,
                    Tensor dropText) {
        long b = noisedImageEmbed.size(0);
        int d = config.embedDim();
        checkShape("noised image embedding", noisedImageEmbed, b, d);
        checkShape("text embedding", textEmbed, b, d);
        checkShape("timesteps", t, b);
        Tensor drop = null;
        if (dropText != null) {
            checkShape("drop mask", dropText, b);
            drop = dropText.to(torch.ScalarType.Bool).reshape(b, 1);
            textEmbed = torch.where(drop, nullTextEmbed(b), textEmbed);
        }
        List<Tensor> parts = new ArrayList<>();
        if (textProj != null) {
            parts.add(tokens(textTokens, textMask, drop, b));
        } else if (textTokens != null || textMask != null) {
            throw new IllegalArgumentException("this prior has textWidth 0 and reads no token encodings; pass null");
        }
        parts.add(textEmbedProj.forward(textEmbed).unsqueeze(1));
        parts.add(timeEmbed.forward(t).unsqueeze(1));
        parts.add(imageEmbedProj.forward(noisedImageEmbed).unsqueeze(1));
        parts.add(query.reshape(1, 1, -1).expand(b, 1, -1));
        Tensor h = Ops.cat(1, parts.stream().map(DiffusionPrior::float32).toArray(Tensor[]::new)).add(posEmbed);
        for (TransformerBlock block : blocks) {
            h = block.forward(h);
        }
        return finalNorm.forward(h);
    }

    /** Projected token encodings [B, T, width], padding replaced and dropped rows replaced by the null tokens. */
    private Tensor tokens(Tensor textTokens, Tensor textMask, Tensor drop, long b) {
        if (textTokens == null) {
            throw new IllegalArgumentException("this prior reads text token encodings [B, T, W]; pass nullTextTokens(B) for none");
        }
        checkShape("text token encodings", textTokens, b, config.contextLength(), config.textWidth());
        Tensor real = null;
        if (textMask != null) {
            checkShape("text mask", textMask, b, config.contextLength());
            real = textMask.to(torch.ScalarType.Bool);
        }
        if (drop != null) {
            textTokens = torch.where(drop.reshape(b, 1, 1), nullTextTokens(b), textTokens);
            real = real == null ? null : real.logical_or(drop);
        }
        Tensor h = float32(textProj.forward(textTokens));
        return real == null ? h : torch.where(real.unsqueeze(2), h, padToken);
    }

    /** The learned null text embedding expanded to [batch, D] (in the scaled space). */
    public Tensor nullTextEmbed(long batch) {
        return nullTextEmbed.reshape(1, -1).expand(batch, -1);
    }

    /** The learned null token encodings expanded to [batch, T, W]; only for a prior with token encodings. */
    public Tensor nullTextTokens(long batch) {
        if (nullTextTokens == null) {
            throw new IllegalStateException("this prior has textWidth 0 and no null token encodings");
        }
        return nullTextTokens.unsqueeze(0).expand(batch, -1, -1);
    }

    // ----- the scaled space of the diffusion -------------------------------------------------

    /** √D: the factor that takes a unit-norm D-dimensional embedding to about unit variance per dimension. */
    public static double embedScale(long embedDim) {
        return Math.sqrt(embedDim);
    }

    /** Unit-norm embeddings [B, D] → the diffusion's scaled space: × √D. */
    public static Tensor toDiffusionSpace(Tensor unitEmbed) {
        return Ops.mul(unitEmbed, embedScale(unitEmbed.size(-1)));
    }

    /** Scaled-space embeddings [B, D] → unit vectors: ÷ √D, then re-normalised to length 1 (one division by the norm). */
    public static Tensor fromDiffusionSpace(Tensor scaled) {
        return Ops.normalize(scaled);
    }

    private static Tensor float32(Tensor x) {
        return x.to(torch.ScalarType.Float);
    }

    private static void checkShape(String what, Tensor x, long... expected) {
        if (!Arrays.equals(x.shape(), expected)) {
            throw new IllegalArgumentException(what + " has shape " + Arrays.toString(x.shape()) + ", expected "
                    + Arrays.toString(expected));
        }
    }
}
