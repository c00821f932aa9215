package dev.dalle2.clip;

import dev.dalle2.nn.Activation;
import dev.dalle2.nn.Conv2d;
import dev.dalle2.nn.Embedding;
import dev.dalle2.nn.Init;
import dev.dalle2.nn.LayerNorm;
import dev.dalle2.nn.Linear;
import dev.dalle2.nn.Module;
import dev.dalle2.nn.ModuleList;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.TransformerBlock;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CLIP (Radford et al., 2021): a text transformer and a vision transformer that map captions and
 * images into one L2-normalised embedding space of size D. Laid out like Hugging Face's
 * {@code CLIPModel}, parameter names included, so its safetensors load by name (drop its
 * {@code *.position_ids} buffers).
 *
 * <p><b>Text</b> ({@link #encodeText}): ids int64 [B, T ≤ contextLength] → {@code token_embedding}
 * + {@code position_embedding} → causal pre-norm transformer (quick GELU) → {@code final_layer_norm}
 * → tokens [B, T, W]. The token at the first end token of each row → {@code text_projection} →
 * L2-normalised embedding [B, D]. The causal mask makes everything after the end token irrelevant.
 *
 * <p><b>Image</b> ({@link #encodeImage}): [B, 3, S, S] in [-1, 1], mapped to OpenAI's pixel
 * normalisation → {@code patch_embedding} (P×P convolution, stride P, no bias) → (S/P)² patch tokens
 * after a learned {@code class_embedding} → + {@code position_embedding} → {@code pre_layrnorm} →
 * transformer → {@code post_layernorm} of the class token → {@code visual_projection} →
 * L2-normalised embedding [B, D].
 *
 * <p><b>Training</b> ({@link #loss}): the symmetric contrastive loss of {@link ClipLoss} with the
 * learned temperature {@link #logitScale()} = exp(logit_scale), clamped at 100.
 *
 * <p>Parameters: {@code text_model.embeddings.{token,position}_embedding.weight},
 * {@code text_model.encoder.layers.i.*} ({@link TransformerBlock}), {@code text_model.final_layer_norm.*},
 * {@code vision_model.embeddings.{class_embedding, patch_embedding.weight, position_embedding.weight}},
 * {@code vision_model.pre_layrnorm.*}, {@code vision_model.encoder.layers.i.*},
 * {@code vision_model.post_layernorm.*}, {@code visual_projection.weight} [D, Wv],
 * {@code text_projection.weight} [D, W], {@code logit_scale} (a scalar).
 */
public final class ClipModel extends Module {
    /** Initial logit_scale: a temperature of 0.07, as in the paper. */
    public static final double INITIAL_LOGIT_SCALE = Math.log(1 / 0.07);
    /** logit_scale is clamped here: the similarities are scaled by at most 100. */
    public static final double MAX_LOGIT_SCALE = Math.log(100);
    /** OpenAI's per-channel pixel mean and standard deviation (of images in [0, 1]). */
    private static final float[] PIXEL_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] PIXEL_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final ClipConfig config;
    private final TextTransformer textModel;
    private final VisionTransformer visionModel;
    private final Linear visualProjection;
    private final Linear textProjection;
    private final Tensor logitScale;

    public ClipModel(ClipConfig config) {
        if (config.vocabularyUnset()) {
            throw new IllegalArgumentException("the CLIP config has no vocabulary yet (vocabSize and endToken 0); "
                    + "take them from the tokenizer first");
        }
        this.config = config;
        textModel = child("text_model", new TextTransformer(config));
        visionModel = child("vision_model", new VisionTransformer(config));
        visualProjection = child("visual_projection", new Linear(config.visionWidth(), config.embedDim(), false));
        textProjection = child("text_projection", new Linear(config.textWidth(), config.embedDim(), false));
        logitScale = parameter("logit_scale", Ops.full(INITIAL_LOGIT_SCALE));
    }

    public ClipConfig config() {
        return config;
    }

    /**
     * What the text encoder gives the rest of the system.
     *
     * @param tokens    float32 [B, T, W]: the per-token encodings after the final layer norm
     * @param embedding float32 [B, D]: the projected encoding at the end token, L2-normalised
     * @param mask      bool [B, T]: true for the real tokens, up to and including the end token
     */
    public record TextFeatures(Tensor tokens, Tensor embedding, Tensor mask) {
        /** Each row repeated {@code n} times in a row: [B·n, ...], row i·n + k the copy k of row i. */
        public TextFeatures repeat(int n) {
            return new TextFeatures(Ops.repeatRows(tokens, n), Ops.repeatRows(embedding, n), Ops.repeatRows(mask, n));
        }
    }

    /**
     * @param ids int64 [B, T] with T ≤ contextLength, each row holding the end token (the
     *            tokenizer's {@code tokenizeTensor} output)
     */
    public TextFeatures encodeText(Tensor ids) {
        Tensor tokens = textModel.forward(ids);
        Tensor pooled = tokens.gather(1, firstEndToken(ids).reshape(-1, 1, 1).expand(-1, 1, tokens.size(2))).squeeze(1);
        return new TextFeatures(tokens, Ops.normalize(textProjection.forward(pooled)), tokenMask(ids, config.endToken()));
    }

    /** bool [B, T]: true at the positions of ids [B, T] up to and including each row's first end token. */
    public static Tensor tokenMask(Tensor ids, long endToken) {
        Tensor isEnd = ids.eq(Ops.scalar(endToken)).to(torch.ScalarType.Long);
        return isEnd.cumsum(1).sub(isEnd).eq(Ops.scalar(0));
    }

    /** The position of the first end token in each row of ids [B, T], as int64 [B]. */
    private Tensor firstEndToken(Tensor ids) {
        Tensor isEnd = ids.eq(Ops.scalar(config.endToken()));
        long[] found = Ops.toLongs(isEnd.any(1));
        List<Integer> missing = new ArrayList<>();
        for (int b = 0; b < found.length; b++) {
            if (found[b] == 0) {
                missing.add(b);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("text rows " + missing + " hold no end token (id " + config.endToken() + ")");
        }
        // argmax returns the first of equal maxima.
        return Ops.argmax(isEnd.to(torch.ScalarType.Long), 1);
    }

    /** @param images float [B, 3, S, S] in [-1, 1]; returns float32 [B, D], L2-normalised. */
    public Tensor encodeImage(Tensor images) {
        long[] shape = images.shape();
        int s = config.imageSize();
        if (shape.length != 4 || shape[1] != 3 || shape[2] != s || shape[3] != s) {
            throw new IllegalArgumentException("CLIP reads images [B, 3, " + s + ", " + s + "], got " + Arrays.toString(shape));
        }
        return Ops.normalize(visualProjection.forward(visionModel.forward(pixelNormalised(images))));
    }

    /** [-1, 1] → (x01 − mean) / std per channel with x01 = (x + 1) / 2, the input OpenAI's weights expect. */
    private static Tensor pixelNormalised(Tensor images) {
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 0.5f / PIXEL_STD[c];
            shift[c] = (0.5f - PIXEL_MEAN[c]) / PIXEL_STD[c];
        }
        return images.mul(Ops.tensor(scale, 1, 3, 1, 1)).add(Ops.tensor(shift, 1, 3, 1, 1));
    }

    /** exp(min(logit_scale, ln 100)): a scalar tensor, with gradient to logit_scale below the clamp. */
    public Tensor logitScale() {
        return logitScale.clamp_max(Ops.scalar(MAX_LOGIT_SCALE)).exp();
    }

    /** {@link ClipLoss#loss} of matching image [B, D] and text [B, D] embeddings at this model's temperature. */
    public Tensor loss(Tensor imageEmbeds, Tensor textEmbeds) {
        return ClipLoss.loss(imageEmbeds, textEmbeds, logitScale());
    }

    // ----- the two towers --------------------------------------------------------------------------

    /** A stack of pre-norm transformer layers: {@code layers.i}. [B, N, width] → [B, N, width]. */
    private static final class Encoder extends Module {
        private final ModuleList<TransformerBlock> layers = child("layers", new ModuleList<>());

        Encoder(int width, int count, int heads, boolean causal) {
            for (int i = 0; i < count; i++) {
                layers.add(new TransformerBlock(width, heads, ClipConfig.MLP_RATIO, causal, Activation.QUICK_GELU, 0.0));
            }
        }

        Tensor forward(Tensor x) {
            for (TransformerBlock layer : layers) {
                x = layer.forward(x);
            }
            return x;
        }
    }

    /** ids [B, T] → float32 [B, T, W] after the final layer norm. */
    private static final class TextTransformer extends Module {
        private final int contextLength;
        private final TextEmbeddings embeddings;
        private final Encoder encoder;
        private final LayerNorm finalLayerNorm;

        TextTransformer(ClipConfig c) {
            contextLength = c.contextLength();
            embeddings = child("embeddings", new TextEmbeddings(c));
            encoder = child("encoder", new Encoder(c.textWidth(), c.textLayers(), c.textHeads(), true));
            finalLayerNorm = child("final_layer_norm", new LayerNorm(c.textWidth()));
        }

        Tensor forward(Tensor ids) {
            if (ids.dim() != 2 || ids.scalar_type().intern() != torch.ScalarType.Long || ids.size(1) > contextLength) {
                throw new IllegalArgumentException("CLIP reads int64 ids [B, T ≤ " + contextLength + "], got "
                        + ids.scalar_type() + " " + Arrays.toString(ids.shape()));
            }
            return finalLayerNorm.forward(encoder.forward(embeddings.forward(ids)));
        }
    }

    /** Token plus position embeddings, normal with std 0.02 as in Hugging Face's initialisation. */
    private static final class TextEmbeddings extends Module {
        private final Embedding tokenEmbedding;
        private final Embedding positionEmbedding;

        TextEmbeddings(ClipConfig c) {
            tokenEmbedding = child("token_embedding", new Embedding(c.vocabSize(), c.textWidth(), 0.02));
            positionEmbedding = child("position_embedding", new Embedding(c.contextLength(), c.textWidth(), 0.02));
        }

        Tensor forward(Tensor ids) {
            return tokenEmbedding.forward(ids).add(positionEmbedding.weight().narrow(0, 0, ids.size(1)));
        }
    }

    /** Pixel-normalised images [B, 3, S, S] → float32 [B, Wv]: the class token after post_layernorm. */
    private static final class VisionTransformer extends Module {
        private final VisionEmbeddings embeddings;
        private final LayerNorm preLayerNorm;
        private final Encoder encoder;
        private final LayerNorm postLayerNorm;

        VisionTransformer(ClipConfig c) {
            embeddings = child("embeddings", new VisionEmbeddings(c));
            preLayerNorm = child("pre_layrnorm", new LayerNorm(c.visionWidth()));
            encoder = child("encoder", new Encoder(c.visionWidth(), c.visionLayers(), c.visionHeads(), false));
            postLayerNorm = child("post_layernorm", new LayerNorm(c.visionWidth()));
        }

        Tensor forward(Tensor images) {
            Tensor h = encoder.forward(preLayerNorm.forward(embeddings.forward(images)));
            return postLayerNorm.forward(h.select(1, 0));
        }
    }

    /** [B, 3, S, S] → [B, 1 + (S/P)², Wv]: the class embedding, then the patches row by row, plus positions. */
    private static final class VisionEmbeddings extends Module {
        private final Tensor classEmbedding;
        private final Conv2d patchEmbedding;
        private final Embedding positionEmbedding;

        VisionEmbeddings(ClipConfig c) {
            int w = c.visionWidth();
            classEmbedding = parameter("class_embedding", Init.normal(1 / Math.sqrt(w), w));
            patchEmbedding = child("patch_embedding", new Conv2d(3, w, c.patchSize(), c.patchSize(), 0, false));
            positionEmbedding = child("position_embedding", new Embedding(c.visionTokens(), w, 0.02));
        }

        Tensor forward(Tensor images) {
            // [B, Wv, S/P, S/P] → [B, (S/P)², Wv], in fp32 like the class and position embeddings.
            Tensor patches = patchEmbedding.forward(images).flatten(2, 3).transpose(1, 2).to(torch.ScalarType.Float);
            Tensor cls = classEmbedding.reshape(1, 1, -1).expand(patches.size(0), 1, -1);
            return Ops.cat(1, cls, patches).add(positionEmbedding.weight());
        }
    }
}
