package dev.dalle2.clip;

import dev.dalle2.io.Checks;

/**
 * Architecture of a {@link ClipModel}; serialised as a network's {@code config.json}. The names
 * follow Hugging Face's {@code CLIPConfig} in spirit; the MLP of every transformer layer is
 * {@link #MLP_RATIO} times its width.
 *
 * @param vocabSize     tokenizer vocabulary size (49408 for OpenAI's CLIP)
 * @param contextLength longest id sequence T the text model reads (77)
 * @param textWidth     width W of the text transformer
 * @param textLayers    text transformer layers
 * @param textHeads     text attention heads (W must split evenly)
 * @param imageSize     side S of the square input images
 * @param patchSize     side P of the square patches; S must be a multiple of P
 * @param visionWidth   width Wv of the vision transformer
 * @param visionLayers  vision transformer layers
 * @param visionHeads   vision attention heads (Wv must split evenly)
 * @param embedDim      size D of the shared embedding space
 * @param endToken      the tokenizer's end-of-text id; the text embedding is read at its first occurrence
 */
public record ClipConfig(int vocabSize, int contextLength, int textWidth, int textLayers, int textHeads,
                         int imageSize, int patchSize, int visionWidth, int visionLayers, int visionHeads,
                         int embedDim, int endToken) {
    /** Hidden width of each transformer MLP as a multiple of the layer width. */
    public static final int MLP_RATIO = 4;

    /**
     * Checks every field: a vocabulary of at least 2 that holds the end token (or both 0), sizes at least 1, heads
     * that split the widths, an image size that is a multiple of the patch size.
     */
    public ClipConfig {
        boolean vocabularyUnset = vocabSize == 0 && endToken == 0;
        Checks.require(vocabularyUnset || vocabSize >= 2, "vocabSize", "at least 2 (or 0 to take it from the tokenizer)", vocabSize);
        Checks.require(vocabularyUnset || endToken >= 0 && endToken < vocabSize, "endToken",
                "an id of the vocabulary, in [0, " + vocabSize + ")", endToken);
        Checks.atLeast("contextLength", contextLength, 2);
        Checks.atLeast("textWidth", textWidth, 1);
        Checks.atLeast("textLayers", textLayers, 1);
        Checks.divides("textHeads", textHeads, "textWidth", textWidth);
        Checks.atLeast("visionWidth", visionWidth, 1);
        Checks.atLeast("visionLayers", visionLayers, 1);
        Checks.divides("visionHeads", visionHeads, "visionWidth", visionWidth);
        Checks.atLeast("patchSize", patchSize, 1);
        Checks.require(imageSize >= patchSize && imageSize % patchSize == 0, "imageSize",
                "a multiple of patchSize " + patchSize, imageSize);
        Checks.atLeast("embedDim", embedDim, 1);
    }

    /** Whether the vocabulary is still to be taken from the tokenizer (both {@code vocabSize} and {@code endToken} 0). */
    public boolean vocabularyUnset() {
        return vocabSize == 0 && endToken == 0;
    }

    /** This architecture with a tokenizer's vocabulary size and end token. */
    public ClipConfig withVocabulary(int newVocabSize, int newEndToken) {
        return new ClipConfig(newVocabSize, contextLength, textWidth, textLayers, textHeads, imageSize, patchSize,
                visionWidth, visionLayers, visionHeads, embedDim, newEndToken);
    }

    /** OpenAI's ViT-B/32 CLIP ({@code openai/clip-vit-base-patch32}): 151,277,313 parameters. */
    public static ClipConfig vitB32() {
        return new ClipConfig(49408, 77, 512, 12, 8, 224, 32, 768, 12, 12, 512, 49407);
    }

    /** Patches per image side, S / P. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Tokens the vision transformer reads: (S / P)² patches and the class token. */
    public int visionTokens() {
        return gridSize() * gridSize() + 1;
    }
}
