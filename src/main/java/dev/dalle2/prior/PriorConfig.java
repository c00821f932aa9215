package dev.dalle2.prior;

import dev.dalle2.io.Checks;

/**
 * Architecture of the diffusion prior ({@link DiffusionPrior}); serialised as the {@code prior} part
 * of a network's {@code config.json} or YAML recipe.
 *
 * @param embedDim      size D of the CLIP embeddings (text and image)
 * @param textWidth     width W of the CLIP text token encodings, or 0 for a prior that does not read them
 * @param contextLength number T of text tokens (77 for CLIP); ignored when {@code textWidth} is 0
 * @param width         width of the transformer
 * @param layers        number of transformer blocks
 * @param heads         attention heads per block; must divide {@code width}
 * @param dropout       dropout on the attention and MLP outputs of every block, in [0, 1)
 */
public record PriorConfig(int embedDim, int textWidth, int contextLength, int width, int layers, int heads,
                          double dropout) {
    /** Checks every field: sizes at least 1 (text sizes at least 0), heads that split the width, dropout in [0, 1). */
    public PriorConfig {
        Checks.atLeast("embedDim", embedDim, 1);
        Checks.atLeast("width", width, 1);
        Checks.atLeast("layers", layers, 1);
        Checks.divides("heads", heads, "width", width);
        Checks.atLeast("textWidth", textWidth, 0);
        Checks.require(contextLength >= (textWidth > 0 ? 1 : 0), "contextLength",
                textWidth > 0 ? "at least 1 for text token encodings (textWidth > 0)" : "at least 0", contextLength);
        Checks.fraction("dropout", dropout);
    }

    /** How many text token positions the sequence holds: T, or 0 without token encodings. */
    public int tokenCount() {
        return textWidth > 0 ? contextLength : 0;
    }

    /** Length of the transformer's sequence: the text tokens, then text embedding, timestep, noised image embedding, query. */
    public int sequenceLength() {
        return tokenCount() + 4;
    }
}
