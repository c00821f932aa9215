package dev.dalle2.diffusion;

import dev.dalle2.nn.Ops;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.Map;

/**
 * The formulas of Gaussian diffusion on a (possibly respaced) {@link NoiseSchedule}, after
 * openai/guided-diffusion's {@code gaussian_diffusion.py}; it knows nothing of networks beyond the
 * {@link Denoiser} interface.
 *
 * <p>Timestep arguments {@code t} are int64 [B] indices into this schedule; the per-step
 * coefficients are float32 tensors gathered per sample and shaped [B, 1, …, 1] to broadcast over
 * x of shape [B, ...]. Only {@link #modelTimesteps} turns indices into the original timesteps a
 * network is conditioned on. The coefficient tensors live on the device that was current at
 * construction and outlive any enclosing scope ({@link dev.dalle2.nn.Scopes}).
 */
public final class GaussianDiffusion {
    private final NoiseSchedule schedule;
    private final Prediction prediction;
    private final Tensor timestepMap;
    private final Tensor sqrtAlphasCumprod;
    private final Tensor sqrtOneMinusAlphasCumprod;
    private final Tensor sqrtRecipAlphasCumprod;
    private final Tensor sqrtRecipM1AlphasCumprod;
    private final Tensor posteriorVariance;
    private final Tensor posteriorLogVariance;
    private final Tensor posteriorMeanCoef1;
    private final Tensor posteriorMeanCoef2;
    private final Tensor lossWeights;

    /** Diffusion on {@code schedule} (respaced or not) for a network that predicts {@code prediction}. */
    public GaussianDiffusion(NoiseSchedule schedule, Prediction prediction) {
        this(schedule, prediction, null);
    }

    /**
     * As above, with {@link #trainingLoss} weighted per step by Min-SNR-γ (Hang et al. 2023) unless
     * {@code minSnrGamma} is null: the x₀ error counts min(SNR_t, γ) times, SNR_t = ᾱ_t/(1 − ᾱ_t),
     * which for the network's target is a weight of min(SNR, γ)/SNR on ε, min(SNR, γ) on x₀ and
     * min(SNR, γ)/(SNR + 1) on v.
     */
    public GaussianDiffusion(NoiseSchedule schedule, Prediction prediction, Double minSnrGamma) {
        this.schedule = schedule;
        this.prediction = prediction;
        int n = schedule.steps();
        long[] map = Arrays.stream(schedule.timesteps()).asLongStream().toArray();
        timestepMap = Ops.longTensor(map, n).retainReference();
        double[] abar = schedule.alphasCumprod();
        sqrtAlphasCumprod = coefficient(schedule.sqrtAlphasCumprod());
        sqrtOneMinusAlphasCumprod = coefficient(schedule.sqrtOneMinusAlphasCumprod());
        sqrtRecipAlphasCumprod = coefficient(Arrays.stream(abar).map(a -> Math.sqrt(1 / a)).toArray());
        sqrtRecipM1AlphasCumprod = coefficient(Arrays.stream(abar).map(a -> Math.sqrt(1 / a - 1)).toArray());
        posteriorVariance = coefficient(schedule.posteriorVariance());
        posteriorLogVariance = coefficient(schedule.posteriorLogVarianceClipped());
        posteriorMeanCoef1 = coefficient(schedule.posteriorMeanCoef1());
        posteriorMeanCoef2 = coefficient(schedule.posteriorMeanCoef2());
        lossWeights = minSnrGamma == null ? null : coefficient(minSnrWeights(abar, prediction, minSnrGamma));
    }

    /** The Min-SNR-γ weight of each step's loss on the target of {@code prediction} (see the constructor). */
    static double[] minSnrWeights(double[] alphasCumprod, Prediction prediction, double gamma) {
        return Arrays.stream(alphasCumprod).map(abar -> {
            double snr = abar / (1 - abar);
            double clipped = Math.min(snr, gamma);
            return switch (prediction) {
                case EPSILON -> Math.min(1, gamma / snr);
                case X0 -> clipped;
                case V -> clipped / (snr + 1);
            };
        }).toArray();
    }

    private static Tensor coefficient(double[] values) {
        return Ops.tensor(values, values.length).retainReference();
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    public Prediction prediction() {
        return prediction;
    }

    /** The number of steps of the schedule. */
    public int steps() {
        return schedule.steps();
    }

    /** The original timesteps (int64 [B]) that the schedule indices {@code t} (int64 [B]) stand for. */
    public Tensor modelTimesteps(Tensor t) {
        return torch.index_select(timestepMap, 0, t);
    }

    /** Draws x_t ~ q(x_t | x₀): √ᾱ_t x₀ + √(1−ᾱ_t) noise; all [B, ...]. */
    public Tensor qSample(Tensor x0, Tensor t, Tensor noise) {
        return extract(sqrtAlphasCumprod, t, x0).mul(x0).add(extract(sqrtOneMinusAlphasCumprod, t, x0).mul(noise));
    }

    /** Mean of q(x_{t−1} | x_t, x₀): coef1_t x₀ + coef2_t x_t; all [B, ...]. */
    public Tensor qPosteriorMean(Tensor x0, Tensor xt, Tensor t) {
        return extract(posteriorMeanCoef1, t, xt).mul(x0).add(extract(posteriorMeanCoef2, t, xt).mul(xt));
    }

    /** β̃_t shaped [B, 1, …, 1] with {@code rank} dimensions. */
    public Tensor qPosteriorVariance(Tensor t, int rank) {
        return extract(posteriorVariance, t, rank);
    }

    /** log β̃_t, clipped at t = 0 as in {@link NoiseSchedule#posteriorLogVarianceClipped()}, shaped [B, 1, …, 1]. */
    public Tensor qPosteriorLogVariance(Tensor t, int rank) {
        return extract(posteriorLogVariance, t, rank);
    }

    /** x₀ = √(1/ᾱ_t) x_t − √(1/ᾱ_t − 1) ε. */
    public Tensor x0FromEps(Tensor xt, Tensor t, Tensor eps) {
        return extract(sqrtRecipAlphasCumprod, t, xt).mul(xt).sub(extract(sqrtRecipM1AlphasCumprod, t, xt).mul(eps));
    }

    /** ε = (√(1/ᾱ_t) x_t − x₀) / √(1/ᾱ_t − 1). */
    public Tensor epsFromX0(Tensor xt, Tensor t, Tensor x0) {
        return extract(sqrtRecipAlphasCumprod, t, xt).mul(xt).sub(x0).div(extract(sqrtRecipM1AlphasCumprod, t, xt));
    }

    /** x₀ = √ᾱ_t x_t − √(1−ᾱ_t) v. */
    public Tensor x0FromV(Tensor xt, Tensor t, Tensor v) {
        return extract(sqrtAlphasCumprod, t, xt).mul(xt).sub(extract(sqrtOneMinusAlphasCumprod, t, xt).mul(v));
    }

    /** ε = √(1−ᾱ_t) x_t + √ᾱ_t v. */
    public Tensor epsFromV(Tensor xt, Tensor t, Tensor v) {
        return extract(sqrtOneMinusAlphasCumprod, t, xt).mul(xt).add(extract(sqrtAlphasCumprod, t, xt).mul(v));
    }

    /** v = √ᾱ_t ε − √(1−ᾱ_t) x₀. */
    public Tensor vFrom(Tensor x0, Tensor eps, Tensor t) {
        return extract(sqrtAlphasCumprod, t, x0).mul(eps).sub(extract(sqrtOneMinusAlphasCumprod, t, x0).mul(x0));
    }

    /** The x̂₀ implied by a model output of this diffusion's {@link Prediction} at x_t. */
    public Tensor predictX0(Tensor xt, Tensor t, Tensor output) {
        return switch (prediction) {
            case EPSILON -> x0FromEps(xt, t, output);
            case X0 -> output;
            case V -> x0FromV(xt, t, output);
        };
    }

    /** The training target for this diffusion's {@link Prediction}: ε, x₀ or v. */
    public Tensor target(Tensor x0, Tensor noise, Tensor t) {
        return switch (prediction) {
            case EPSILON -> noise;
            case X0 -> x0;
            case V -> vFrom(x0, noise, t);
        };
    }

    /**
     * The simple DDPM loss: draws t uniformly among the steps and ε ~ N(0, I) from {@code g} (the
     * default generator when null), and returns the mean squared error between the model output at
     * x_t and the {@link #target}, as a scalar tensor that carries the model's graph. With
     * Min-SNR weighting each sample's squared error is weighted by its step's weight.
     *
     * @param x0   clean samples [B, ...]
     * @param cond conditioning passed to the model unchanged
     */
    public Tensor trainingLoss(Denoiser model, Tensor x0, Map<String, Tensor> cond, Generator g) {
        Tensor t = Ops.randint(g, steps(), x0.size(0));
        Tensor noise = Ops.randn(g, x0.shape());
        Tensor xt = qSample(x0, t, noise);
        Tensor output = model.predict(xt, modelTimesteps(t), cond);
        Tensor target = target(x0, noise, t);
        if (lossWeights == null) {
            return torch.mse_loss(output, target);
        }
        Tensor error = output.sub(target);
        return error.mul(error).mul(extract(lossWeights, t, error)).mean();
    }

    private static Tensor extract(Tensor coefficients, Tensor t, Tensor like) {
        return extract(coefficients, t, (int) like.dim());
    }

    private static Tensor extract(Tensor coefficients, Tensor t, int rank) {
        long[] shape = new long[rank];
        Arrays.fill(shape, 1);
        shape[0] = t.size(0);
        return torch.index_select(coefficients, 0, t).reshape(shape);
    }
}
