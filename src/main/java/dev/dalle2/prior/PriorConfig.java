package dev.dalle2.prior;

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
    public PriorConfig {
        if (embedDim < 1 || width < 1 || layers < 1 || heads < 1) {
            throw new IllegalArgumentException("the prior needs embedDim, width, layers and heads >= 1, got embedDim "
                    + embedDim + ", width " + width + ", layers " + layers + ", heads " + heads);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " does not split into " + heads + " heads");
        }
        if (textWidth < 0 || contextLength < 0) {
            throw new IllegalArgumentException("textWidth and contextLength must be >= 0, got " + textWidth + " and " + contextLength);
        }
        if (textWidth > 0 && contextLength < 1) {
            throw new IllegalArgumentException("text token encodings (textWidth " + textWidth + ") need contextLength >= 1");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
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
