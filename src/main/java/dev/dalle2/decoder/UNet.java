package dev.dalle2.decoder;

import dev.dalle2.nn.Conv2d;
import dev.dalle2.nn.GroupNorm;
import dev.dalle2.nn.Init;
import dev.dalle2.nn.Linear;
import dev.dalle2.nn.Module;
import dev.dalle2.nn.ModuleList;
import dev.dalle2.nn.Ops;
import dev.dalle2.nn.ResBlock;
import dev.dalle2.nn.Resample;
import dev.dalle2.nn.SpatialAttention;
import dev.dalle2.nn.TimestepEmbedding;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The diffusion U-Net of the unCLIP decoder and upsampler (ADM / GLIDE style).
 *
 * <p>Input x [B, inChannels, S, S] (the noisy image x_t, and for an upsampler the bilinearly
 * upsampled low-resolution image concatenated on the channels), timesteps t [B], and an optional
 * conditioning embedding c [B, D]. Output [B, outChannels, S, S].
 *
 * <p>As in the paper, c (times {@code condScale}) is projected and added to the timestep embedding,
 * and projected into {@code condTokens} extra tokens that every attention layer attends to. For classifier-free
 * guidance a learned {@code null_cond} [D] replaces c: see {@link #nullCondition} and
 * {@link #dropCondition}.
 *
 * <p>Layout: {@code conv_in}; per level i, {@code down.i.res.j} ({@code down.i.attn.j}) and
 * {@code down.i.downsample}; {@code mid_res1, mid_attn, mid_res2}; per level in reverse,
 * {@code up.i.res.j} ({@code up.i.attn.j}) and {@code up.i.upsample}; {@code out_norm, conv_out}.
 */
public final class UNet extends Module {
    private final UNetConfig config;
    private final TimestepEmbedding timeEmbed;
    private final Linear condProj;
    private final Linear condTokens;
    private final Tensor nullCond;
    private final Conv2d convIn;
    private final ModuleList<Level> down = child("down", new ModuleList<>());
    private final ResBlock midRes1;
    private final SpatialAttention midAttn;
    private final ResBlock midRes2;
    private final ModuleList<Level> up = child("up", new ModuleList<>());
    private final GroupNorm outNorm;
    private final Conv2d convOut;

    /**
     * A freshly initialised U-Net of {@code config}'s architecture. The modules are created (and draw their random
     * initial weights) in the order of the layout above: the timestep and condition projections, {@code conv_in},
     * the down path, the middle, the up path and the output layers.
     */
    public UNet(UNetConfig config) {
        this.config = config;
        int mc = config.modelChannels();
        int emb = config.embedDim();
        boolean conditioned = config.condDim() > 0;
        timeEmbed = child("time_embed", new TimestepEmbedding(mc, emb));
        condProj = conditioned ? child("cond_proj", new Linear(config.condDim(), emb)) : null;
        condTokens = conditioned && config.condTokens() > 0
                ? child("cond_tokens", new Linear(config.condDim(), (long) config.condTokens() * emb)) : null;
        nullCond = conditioned ? parameter("null_cond", Init.normal(1 / Math.sqrt(config.condDim()), config.condDim())) : null;
        long extraDim = condTokens == null ? 0 : emb;

        convIn = child("conv_in", new Conv2d(config.inChannels(), mc, 3));
        Deque<Integer> skips = new ArrayDeque<>();
        skips.push(mc);
        int ch = buildDownPath(skips, emb, extraDim);
        midRes1 = child("mid_res1", new ResBlock(ch, ch, emb, config.dropout()));
        midAttn = child("mid_attn", new SpatialAttention(ch, heads(ch), extraDim));
        midRes2 = child("mid_res2", new ResBlock(ch, ch, emb, config.dropout()));
        ch = buildUpPath(ch, skips, emb, extraDim);
        outNorm = child("out_norm", new GroupNorm(GroupNorm.groupsFor(ch), ch));
        convOut = child("conv_out", new Conv2d(ch, config.outChannels(), 3));
        Init.zero(convOut.weight(), convOut.bias());
    }

    /**
     * Creates the levels of {@code down}, from the full resolution to the lowest, pushing the channels of every
     * output the up path takes as a skip connection onto {@code skips}.
     *
     * @return the channels at the lowest resolution
     */
    private int buildDownPath(Deque<Integer> skips, int emb, long extraDim) {
        int mc = config.modelChannels();
        int ch = mc;
        int resolution = config.imageSize();
        int levels = config.channelMult().size();
        for (int i = 0; i < levels; i++) {
            Level level = down.add(new Level());
            int out = mc * config.channelMult().get(i);
            for (int j = 0; j < config.numResBlocks(); j++) {
                level.add(new ResBlock(ch, out, emb, config.dropout()), attention(out, resolution, extraDim));
                ch = out;
                skips.push(ch);
            }
            if (i < levels - 1) {
                level.setResample("downsample", Resample.down(ch));
                skips.push(ch);
                resolution /= 2;
            }
        }
        return ch;
    }

    /**
     * Creates the levels of {@code up}, from the lowest resolution to the full one, each residual block taking
     * {@code ch} channels and a skip connection popped from {@code skips}.
     *
     * @return the channels at the full resolution
     */
    private int buildUpPath(int ch, Deque<Integer> skips, int emb, long extraDim) {
        int mc = config.modelChannels();
        int levels = config.channelMult().size();
        int resolution = config.imageSize() >> (levels - 1);
        for (int i = levels - 1; i >= 0; i--) {
            Level level = up.add(new Level());
            int out = mc * config.channelMult().get(i);
            for (int j = 0; j <= config.numResBlocks(); j++) {
                level.add(new ResBlock(ch + skips.pop(), out, emb, config.dropout()), attention(out, resolution, extraDim));
                ch = out;
            }
            if (i > 0) {
                level.setResample("upsample", Resample.up(ch));
                resolution *= 2;
            }
        }
        return ch;
    }

    private SpatialAttention attention(int channels, int resolution, long extraDim) {
        return config.attentionResolutions().contains(resolution)
                ? new SpatialAttention(channels, heads(channels), extraDim) : null;
    }

    private long heads(int channels) {
        long heads = Math.max(1, channels / config.headWidth());
        if (channels % heads != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into heads of width " + config.headWidth());
        }
        return heads;
    }

    public UNetConfig config() {
        return config;
    }

    /**
     * @param x    [B, inChannels, S, S]
     * @param t    [B] timesteps
     * @param cond [B, condDim] conditioning embedding, or null for a model without conditioning
     * @return [B, outChannels, S, S]
     */
    public Tensor forward(Tensor x, Tensor t, Tensor cond) {
        Tensor emb = timeEmbed.forward(t);
        Tensor tokens = null;
        if (condProj != null) {
            if (cond == null) {
                throw new IllegalArgumentException("this U-Net needs a conditioning embedding; pass nullCondition(B) for none");
            }
            if (config.condScale() != 1) {
                cond = Ops.mul(cond, config.condScale());
            }
            emb = emb.add(condProj.forward(cond));
            if (condTokens != null) {
                tokens = condTokens.forward(cond).reshape(cond.size(0), config.condTokens(), config.embedDim());
            }
        }
        Deque<Tensor> skips = new ArrayDeque<>();
        Tensor h = convIn.forward(x);
        skips.push(h);
        for (Level level : down) {
            for (int j = 0; j < level.res.size(); j++) {
                h = level.block(j, h, emb, tokens);
                skips.push(h);
            }
            if (level.resample != null) {
                h = level.resample.forward(h);
                skips.push(h);
            }
        }
        h = midRes2.forward(midAttn.forward(midRes1.forward(h, emb), tokens), emb);
        for (Level level : up) {
            for (int j = 0; j < level.res.size(); j++) {
                Tensor skip = skips.pop();
                h = level.block(j, Ops.cat(1, h, skip.to(h.scalar_type())), emb, tokens);
            }
            if (level.resample != null) {
                h = level.resample.forward(h);
            }
        }
        return convOut.forward(Ops.silu(outNorm.forward(h))).to(torch.ScalarType.Float);
    }

    /** The learned null embedding expanded to [batch, condDim]: the unconditional input for guidance. */
    public Tensor nullCondition(long batch) {
        return nullCond.reshape(1, -1).expand(batch, -1);
    }

    /**
     * Replaces each row of cond [B, D] by the null embedding with probability p (classifier-free
     * guidance training: p = 0.1 in the paper). Draws from {@code g}.
     */
    public Tensor dropCondition(Tensor cond, double p, Generator g) {
        Tensor drop = Ops.rand(g, cond.size(0), 1).lt(Ops.scalar(p));
        return torch.where(drop, nullCondition(cond.size(0)), cond);
    }

    /** One resolution level: residual blocks, each optionally followed by attention, then a resample. */
    private static final class Level extends Module {
        final ModuleList<ResBlock> res = child("res", new ModuleList<>());
        final ModuleList<SpatialAttention> attn = child("attn", new ModuleList<>());
        final List<SpatialAttention> attnAt = new ArrayList<>();
        Resample resample;

        void add(ResBlock block, SpatialAttention attention) {
            res.add(block);
            attnAt.add(attention == null ? null : attn.add(attention));
        }

        Tensor block(int j, Tensor h, Tensor emb, Tensor tokens) {
            Tensor out = res.get(j).forward(h, emb);
            SpatialAttention a = attnAt.get(j);
            return a == null ? out : a.forward(out, tokens);
        }

        void setResample(String name, Resample r) {
            resample = child(name, r);
        }
    }
}
