package dev.dalle2.decoder;

import java.util.List;

/**
 * Architecture of an ADM-style U-Net ({@link UNet}); serialised as the {@code unet} part of a
 * network's {@code config.json} or YAML recipe.
 *
 * @param imageSize          side S of the square images it denoises
 * @param inChannels         3 for a decoder; 6 for an upsampler (x_t and the upsampled low-res image)
 * @param outChannels        3 (ε, x₀ or v)
 * @param modelChannels      width of the first level
 * @param channelMult        width multiplier per level; level i runs at S / 2^i
 * @param numResBlocks       residual blocks per level on the way down (one more on the way up)
 * @param attentionResolutions resolutions (in pixels) with self-attention after each residual block
 * @param headWidth          channels per attention head (64 as in ADM)
 * @param dropout            dropout inside residual blocks
 * @param condDim            size D of the conditioning embedding (the CLIP image embedding), 0 for none
 * @param condTokens         extra context tokens projected from the conditioning embedding (4 in unCLIP)
 * @param condScale          factor on the conditioning embedding before it is projected; 1 when absent. A
 *                           CLIP embedding is a unit vector whose components are about 1/√D, too small for
 *                           AdamW (which moves each weight by about the learning rate per step) to amplify
 *                           quickly; √D gives them unit scale
 */
public record UNetConfig(int imageSize, int inChannels, int outChannels, int modelChannels, List<Integer> channelMult,
                         int numResBlocks, List<Integer> attentionResolutions, int headWidth, double dropout,
                         int condDim, int condTokens, Double condScale) {
    public UNetConfig {
        condScale = condScale == null ? 1.0 : condScale;
        channelMult = List.copyOf(channelMult);
        attentionResolutions = List.copyOf(attentionResolutions);
        if (imageSize % (1 << (channelMult.size() - 1)) != 0) {
            throw new IllegalArgumentException("image size " + imageSize + " does not halve " + (channelMult.size() - 1) + " times");
        }
        if (condDim > 0 && condTokens < 0 || condDim == 0 && condTokens > 0) {
            throw new IllegalArgumentException("condition tokens need a conditioning embedding (condDim > 0)");
        }
    }

    /** Width of the timestep embedding (and of the conditioning tokens): 4 × modelChannels. */
    public int embedDim() {
        return 4 * modelChannels;
    }
}
