package dev.dalle2.decoder;

import dev.dalle2.io.Checks;

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
    /** Checks every field: sizes at least 1, an image size that halves once per level, dropout in [0, 1). */
    public UNetConfig {
        condScale = condScale == null ? 1.0 : condScale;
        channelMult = Checks.eachAtLeast("channelMult", channelMult, 1);
        attentionResolutions = Checks.eachAtLeast("attentionResolutions", attentionResolutions, 1);
        Checks.require(!channelMult.isEmpty(), "channelMult", "a list of at least one level", channelMult);
        int levels = channelMult.size() - 1;
        Checks.require(imageSize >= 1 && imageSize % (1 << levels) == 0, "imageSize",
                "a multiple of " + (1 << levels) + " (it halves " + levels + " times)", imageSize);
        Checks.atLeast("inChannels", inChannels, 1);
        Checks.atLeast("outChannels", outChannels, 1);
        Checks.atLeast("modelChannels", modelChannels, 1);
        Checks.atLeast("numResBlocks", numResBlocks, 1);
        Checks.atLeast("headWidth", headWidth, 1);
        Checks.fraction("dropout", dropout);
        Checks.atLeast("condDim", condDim, 0);
        Checks.atLeast("condTokens", condTokens, 0);
        Checks.require(condDim > 0 || condTokens == 0, "condTokens", "0 without a conditioning embedding (condDim 0)", condTokens);
        Checks.positive("condScale", condScale);
    }

    /** Width of the timestep embedding (and of the conditioning tokens): 4 × modelChannels. */
    public int embedDim() {
        return 4 * modelChannels;
    }
}
