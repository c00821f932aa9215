package dev.dalle2.decoder;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import dev.dalle2.io.Checks;

import java.util.List;

/**
 * Architecture of an ADM-style U-Net ({@link UNet}); serialised as the {@code unet} part of a
 * network's {@code config.json} or YAML recipe. It is built by name, from the defaults
 * ({@code UNetConfig.builder().imageSize(32).inChannels(3)...build()}) or from another architecture
 * ({@code config.toBuilder().modelChannels(96).build()}); recipes are read through the same {@link Builder}, so a
 * key a recipe leaves out takes the default named below. The fields that decide the network's shape
 * ({@code imageSize}, {@code inChannels}, {@code modelChannels}, {@code channelMult}, {@code numResBlocks},
 * {@code attentionResolutions}) differ between the decoder, the upsampler and the GPU recipes and have no default:
 * a recipe without one is refused as missing.
 *
 * @param imageSize          side S of the square images it denoises; required
 * @param inChannels         3 for a decoder; 6 for an upsampler (x_t and the upsampled low-res image); 7 for an inpainting decoder (x_t, the known image and the mask); required
 * @param outChannels        3 (ε, x₀ or v); default 3
 * @param modelChannels      width of the first level; required
 * @param channelMult        width multiplier per level; level i runs at S / 2^i; required
 * @param numResBlocks       residual blocks per level on the way down (one more on the way up); required
 * @param attentionResolutions resolutions (in pixels) with self-attention after each residual block (empty for
 *                           none); required
 * @param headWidth          channels per attention head; default 64 (as in ADM)
 * @param dropout            dropout inside residual blocks; default 0
 * @param condDim            size D of the conditioning embedding (the CLIP image embedding), 0 for none; default 0
 * @param condTokens         extra context tokens projected from the conditioning embedding; default 4 (as in
 *                           unCLIP) with a conditioning embedding, 0 without
 * @param condScale          factor on the conditioning embedding before it is projected; default 1, also when given
 *                           as null. A CLIP embedding is a unit vector whose components are about 1/√D, too small for
 *                           AdamW (which moves each weight by about the learning rate per step) to amplify
 *                           quickly; √D gives them unit scale
 */
@JsonDeserialize(builder = UNetConfig.Builder.class)
public record UNetConfig(int imageSize, int inChannels, int outChannels, int modelChannels, List<Integer> channelMult,
                         int numResBlocks, List<Integer> attentionResolutions, int headWidth, double dropout,
                         int condDim, int condTokens, Double condScale) {
    /** Input channels an inpainting decoder takes beyond x_t: the known image (3) and the mask (1). */
    public static final int INPAINT_CHANNELS = 4;

    /**
     * Whether this is an inpainting decoder (GLIDE): conditioned on an embedding, with x_t's channels and
     * {@link #INPAINT_CHANNELS} more as input.
     */
    public boolean inpainting() {
        return condDim > 0 && inChannels == outChannels + INPAINT_CHANNELS;
    }

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

    /** A builder holding the defaults; the fields documented as required must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this architecture's values, to build one that differs from it in the fields set. */
    public Builder toBuilder() {
        return new Builder().imageSize(imageSize).inChannels(inChannels).outChannels(outChannels)
                .modelChannels(modelChannels).channelMult(channelMult).numResBlocks(numResBlocks)
                .attentionResolutions(attentionResolutions).headWidth(headWidth).dropout(dropout).condDim(condDim)
                .condTokens(condTokens).condScale(condScale);
    }

    /**
     * Named construction of a {@link UNetConfig}, starting from the defaults documented there; each method sets the
     * field of its name. Jackson reads recipes through it, so the defaults of code and of recipes are one. A required
     * number left unset is 0 and a required list null, which {@link #build()} refuses (in a recipe: as missing).
     */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        /** The default of {@code condTokens} with a conditioning embedding (unCLIP's). */
        private static final int COND_TOKENS = 4;

        private int imageSize;
        private int inChannels;
        private int outChannels = 3;
        private int modelChannels;
        private List<Integer> channelMult;
        private int numResBlocks;
        private List<Integer> attentionResolutions;
        private int headWidth = 64;
        private double dropout = 0.0;
        private int condDim = 0;
        /** Null until set: the default then follows {@code condDim}. */
        private Integer condTokens;
        private Double condScale = 1.0;

        private Builder() {}

        /** Sets {@code imageSize}. */
        public Builder imageSize(int value) {
            imageSize = value;
            return this;
        }

        /** Sets {@code inChannels}. */
        public Builder inChannels(int value) {
            inChannels = value;
            return this;
        }

        /** Sets {@code outChannels}. */
        public Builder outChannels(int value) {
            outChannels = value;
            return this;
        }

        /** Sets {@code modelChannels}. */
        public Builder modelChannels(int value) {
            modelChannels = value;
            return this;
        }

        /** Sets {@code channelMult}. */
        public Builder channelMult(List<Integer> value) {
            channelMult = value;
            return this;
        }

        /** Sets {@code numResBlocks}. */
        public Builder numResBlocks(int value) {
            numResBlocks = value;
            return this;
        }

        /** Sets {@code attentionResolutions}. */
        public Builder attentionResolutions(List<Integer> value) {
            attentionResolutions = value;
            return this;
        }

        /** Sets {@code headWidth}. */
        public Builder headWidth(int value) {
            headWidth = value;
            return this;
        }

        /** Sets {@code dropout}. */
        public Builder dropout(double value) {
            dropout = value;
            return this;
        }

        /** Sets {@code condDim}. */
        public Builder condDim(int value) {
            condDim = value;
            return this;
        }

        /** Sets {@code condTokens}. */
        public Builder condTokens(int value) {
            condTokens = value;
            return this;
        }

        /** Sets {@code condScale}; null stands for the default. */
        public Builder condScale(Double value) {
            condScale = value;
            return this;
        }

        /** The architecture, checked by the record's constructor. */
        public UNetConfig build() {
            int tokens = condTokens != null ? condTokens : condDim > 0 ? COND_TOKENS : 0;
            return new UNetConfig(imageSize, inChannels, outChannels, modelChannels, channelMult, numResBlocks,
                    attentionResolutions, headWidth, dropout, condDim, tokens, condScale);
        }
    }
}
