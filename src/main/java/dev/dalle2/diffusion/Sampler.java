package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import dev.dalle2.nn.Scopes;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * A reverse-process sampler on a {@link GaussianDiffusion}: starts from noise x_{T−1} and steps
 * through the schedule's indices T−1 … 0, calling the model with the ORIGINAL timesteps of a
 * respaced schedule. Each step runs without gradients in its own scope ({@link Scopes#iterate}), so
 * only the current x_t survives from one step to the next and a long loop does not grow native
 * memory. The result belongs to the caller's innermost scope, if there is one.
 */
public abstract class Sampler {
    protected final GaussianDiffusion diffusion;
    private final X0Processing x0Processing;
    /** ᾱ_t at each index of the (respaced) schedule. */
    protected final double[] alphasCumprod;
    /** ᾱ at the index before each one (1 before index 0). */
    protected final double[] alphasCumprodPrev;

    protected Sampler(GaussianDiffusion diffusion, X0Processing x0Processing) {
        this.diffusion = diffusion;
        this.x0Processing = x0Processing;
        alphasCumprod = diffusion.schedule().alphasCumprod();
        alphasCumprodPrev = diffusion.schedule().alphasCumprodPrev();
    }

    /**
     * Samples from fresh noise drawn from {@code g} (the default generator when null).
     *
     * @param shape    [B, ...] of the samples
     * @param cond     conditioning passed to the model at every step, each [B, ...]; may be empty
     * @param listener told of every finished step; may be null
     * @return x₀, float32 of {@code shape}
     */
    public final Tensor sample(Denoiser model, long[] shape, Map<String, Tensor> cond, Generator g, StepListener listener) {
        return sample(model, Ops.randn(g, shape), cond, g, listener);
    }

    /**
     * Samples starting from the given noise x_{T−1} ([B, ...], left untouched), e.g. to hold the
     * noise fixed across calls; {@code g} draws any further noise the sampler needs.
     */
    public final Tensor sample(Denoiser model, Tensor noise, Map<String, Tensor> cond, Generator g, StepListener listener) {
        return sample(model, noise, cond, g, listener, null);
    }

    /**
     * Samples as {@link #sample(Denoiser, Tensor, Map, Generator, StepListener)} does, keeping the
     * {@code known} region (may be null): the noise and every step's result have their known pixels
     * replaced by the known image at that step's noise level, and each step is redone
     * {@link KnownRegion#resamplings} times from its result noised back (RePaint).
     */
    public final Tensor sample(Denoiser model, Tensor noise, Map<String, Tensor> cond, Generator g, StepListener listener,
                               KnownRegion known) {
        int total = diffusion.steps();
        long[] indices = new long[(int) noise.size(0)];
        return Scopes.noGrad(() -> {
            Tensor first = known == null ? noise : known.impose(noise, alphasCumprod[total - 1], g);
            return samples(Scopes.iterate(start(first), total, (x, done) -> {
                int i = total - 1 - done;
                Arrays.fill(indices, i);
                Tensor t = Ops.longTensor(indices, indices.length);
                Tensor next = step(model, x, i, t, cond, g);
                if (known == null) {
                    return next;
                }
                next = impose(next, known, i, g);
                for (int r = 0; r < known.resamplings() && i > 0; r++) {
                    Tensor back = KnownRegion.renoise(samples(next), alphasCumprodPrev[i], alphasCumprod[i], g);
                    next = impose(redo(model, x, back, i, t, cond, g), known, i, g);
                }
                return next;
            }, listener == null ? null : done -> listener.onStep(done, total)));
        });
    }

    /** The state after step {@code i} with its samples' known pixels at the noise level of the step's end. */
    private Tensor impose(Tensor state, KnownRegion known, int i, Generator g) {
        return withSamples(state, known.impose(samples(state), alphasCumprodPrev[i], g));
    }

    /**
     * The state the steps carry, made from the noise x_{T−1}: the noise itself, unless a sampler
     * needs to remember more from one step to the next (then it stacks that on the batch dimension).
     */
    protected Tensor start(Tensor noise) {
        return noise;
    }

    /** The samples x_t held in a state (x₀ in the final one); the state itself unless {@link #start} stacked more. */
    protected Tensor samples(Tensor state) {
        return state;
    }

    /** {@code state} with its samples replaced by {@code x} (of their shape), keeping what else it carries. */
    protected Tensor withSamples(Tensor state, Tensor x) {
        return x;
    }

    /**
     * One reverse step from x_t at schedule index {@code i}.
     *
     * @param x current samples [B, ...] (the state {@link #start} made, for a sampler that stacks more)
     * @param t int64 [B] filled with {@code i}
     * @return x_{t−1} (x₀ when i = 0), a new tensor of the shape of x
     */
    protected abstract Tensor step(Denoiser model, Tensor x, int i, Tensor t, Map<String, Tensor> cond, Generator g);

    /**
     * Step {@code i} redone from the state {@code state} it started from, with its samples replaced by {@code x}
     * (the step's result noised back, for a {@link KnownRegion}'s resampling); the plain step unless a sampler's
     * step relies on what {@code x} no longer matches.
     */
    protected Tensor redo(Denoiser model, Tensor state, Tensor x, int i, Tensor t, Map<String, Tensor> cond, Generator g) {
        return step(model, withSamples(state, x), i, t, cond, g);
    }

    /** The processed x̂₀ that the model's output implies at x_t; [B, ...]. */
    protected final Tensor predictX0(Denoiser model, Tensor x, Tensor t, Map<String, Tensor> cond) {
        Tensor output = model.predict(x, diffusion.modelTimesteps(t), cond);
        if (!Arrays.equals(output.shape(), x.shape())) {
            throw new IllegalStateException("model output " + Arrays.toString(output.shape())
                    + " does not match x_t " + Arrays.toString(x.shape()));
        }
        return x0Processing.apply(diffusion.predictX0(x, t, output));
    }
}
