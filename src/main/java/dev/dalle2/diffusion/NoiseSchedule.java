package dev.dalle2.diffusion;

import java.util.Arrays;
import java.util.List;

/**
 * A discrete noise schedule β_0 … β_{T-1} and every quantity derived from it, all in double
 * precision, after {@code gaussian_diffusion.py} of openai/guided-diffusion. Index {@code i} runs
 * over the steps of this schedule; {@link #timestep(int)} names the timestep of the original
 * schedule that step stands for (the identity unless the schedule was {@link #respace respaced}),
 * which is what a network is conditioned on.
 *
 * <p>Arrays returned by the accessors are copies of length {@link #steps()}.
 */
public final class NoiseSchedule {
    private final double[] betas;
    private final int[] timesteps;
    private final double[] alphasCumprod;
    private final double[] alphasCumprodPrev;

    /**
     * A schedule with the given betas (each in (0, 1], at least two) standing for the original
     * timesteps {@code timesteps} (strictly increasing, one per beta).
     */
    public NoiseSchedule(double[] betas, int[] timesteps) {
        if (betas.length < 2 || timesteps.length != betas.length) {
            throw new IllegalArgumentException("need at least two betas and one timestep per beta, got "
                    + betas.length + " betas and " + timesteps.length + " timesteps");
        }
        for (int i = 0; i < betas.length; i++) {
            if (!(betas[i] > 0 && betas[i] <= 1)) {
                throw new IllegalArgumentException("beta[" + i + "] = " + betas[i] + " is not in (0, 1]");
            }
            if (i > 0 && timesteps[i] <= timesteps[i - 1]) {
                throw new IllegalArgumentException("timesteps must increase strictly: " + Arrays.toString(timesteps));
            }
        }
        this.betas = betas.clone();
        this.timesteps = timesteps.clone();
        alphasCumprod = new double[betas.length];
        alphasCumprodPrev = new double[betas.length];
        double product = 1;
        for (int i = 0; i < betas.length; i++) {
            alphasCumprodPrev[i] = product;
            product *= 1 - betas[i];
            alphasCumprod[i] = product;
        }
    }

    /** A schedule of the given betas on timesteps 0 … T-1. */
    public NoiseSchedule(double[] betas) {
        this(betas, identity(betas.length));
    }

    /** Ho et al. 2020: β linear from 1e-4·1000/T to 0.02·1000/T (the 1000-step values rescaled). */
    public static NoiseSchedule linear(int steps) {
        double scale = 1000.0 / steps;
        double start = 1e-4 * scale;
        double end = 0.02 * scale;
        double[] betas = new double[steps];
        for (int i = 0; i < steps; i++) {
            betas[i] = start + (end - start) * i / (steps - 1);
        }
        return new NoiseSchedule(betas);
    }

    /**
     * Nichol &amp; Dhariwal 2021: ᾱ(t) = f(t)/f(0) with f(t) = cos²((t/T + s)/(1 + s)·π/2), s = 0.008,
     * and β_i = min(1 − ᾱ(i+1)/ᾱ(i), 0.999); so the ᾱ of step i is ᾱ(i+1) wherever β is unclipped.
     */
    public static NoiseSchedule cosine(int steps) {
        double[] betas = new double[steps];
        for (int i = 0; i < steps; i++) {
            betas[i] = Math.min(1 - cosineF(i + 1, steps) / cosineF(i, steps), 0.999);
        }
        return new NoiseSchedule(betas);
    }

    /** The unnormalised f(t) of the cosine schedule. */
    static double cosineF(double t, int steps) {
        double c = Math.cos((t / steps + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** The names {@link #fromName} knows. */
    public static final List<String> NAMES = List.of("cosine", "linear");

    /** {@code "linear"} or {@code "cosine"} with T steps. */
    public static NoiseSchedule fromName(String name, int steps) {
        return switch (name) {
            case "linear" -> linear(steps);
            case "cosine" -> cosine(steps);
            default -> throw new IllegalArgumentException("unknown noise schedule '" + name + "' (use linear or cosine)");
        };
    }

    /**
     * {@code count} evenly spaced steps of a T-step schedule, from 0 to T−1 inclusive (step
     * round(i·(T−1)/(count−1)) for i = 0 … count−1), as guided-diffusion's {@code space_timesteps}
     * does for a single section. Requires 2 ≤ count ≤ T.
     */
    public static int[] spacedTimesteps(int steps, int count) {
        if (count < 2 || count > steps) {
            throw new IllegalArgumentException("cannot pick " + count + " of " + steps + " steps (need 2 <= count <= steps)");
        }
        int[] kept = new int[count];
        double stride = (steps - 1.0) / (count - 1);
        for (int i = 0; i < count; i++) {
            kept[i] = (int) Math.round(i * stride);
        }
        return kept;
    }

    /**
     * {@code count} evenly spaced steps of a T-step schedule that leave out step 0: step
     * round(i·(T−1)/count) for i = 1 … count, ending at T−1. A sampler that lands on x̂₀ from its
     * lowest step (σ = 0 after it) spends no model call at t = 0, where x_t is already x₀ to within
     * the schedule's first noise level (diffusers' "linspace" spacing of DPM-Solver). Requires
     * 1 ≤ count < T.
     */
    public static int[] spacedTimestepsAboveZero(int steps, int count) {
        if (count < 1 || count >= steps) {
            throw new IllegalArgumentException("cannot pick " + count + " of steps 1.." + (steps - 1) + " (need 1 <= count < steps)");
        }
        int[] kept = new int[count];
        for (int i = 1; i <= count; i++) {
            kept[i - 1] = (int) Math.round(i * (steps - 1.0) / count);
        }
        return kept;
    }

    /** λ = ½ log(ᾱ/(1 − ᾱ)). */
    static double halfLogSnr(double alphaCumprod) {
        return 0.5 * Math.log(alphaCumprod / (1 - alphaCumprod));
    }

    /**
     * The schedule that visits only the given steps of this one (indices into this schedule,
     * strictly increasing): β'_i = 1 − ᾱ_{k_i}/ᾱ_{k_{i−1}} (ᾱ_{k_{−1}} = 1), so ᾱ'_i = ᾱ_{k_i}.
     * Its timesteps map to this schedule's original timesteps.
     */
    public NoiseSchedule respace(int[] keptSteps) {
        double[] newBetas = new double[keptSteps.length];
        int[] original = new int[keptSteps.length];
        double previous = 1;
        for (int i = 0; i < keptSteps.length; i++) {
            int k = keptSteps[i];
            if (k < 0 || k >= steps()) {
                throw new IllegalArgumentException("kept step " + k + " is outside 0.." + (steps() - 1));
            }
            newBetas[i] = 1 - alphasCumprod[k] / previous;
            original[i] = timesteps[k];
            previous = alphasCumprod[k];
        }
        return new NoiseSchedule(newBetas, original);
    }

    /** T, the number of steps. */
    public int steps() {
        return betas.length;
    }

    /** The original timestep that step i stands for. */
    public int timestep(int i) {
        return timesteps[i];
    }

    /** The original timestep of every step. */
    public int[] timesteps() {
        return timesteps.clone();
    }

    /** β_i. */
    public double[] betas() {
        return betas.clone();
    }

    /** α_i = 1 − β_i. */
    public double[] alphas() {
        return map(i -> 1 - betas[i]);
    }

    /** ᾱ_i = Π_{j≤i} α_j. */
    public double[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** ᾱ_{i−1}, with ᾱ_{−1} = 1. */
    public double[] alphasCumprodPrev() {
        return alphasCumprodPrev.clone();
    }

    /** √ᾱ_i. */
    public double[] sqrtAlphasCumprod() {
        return map(i -> Math.sqrt(alphasCumprod[i]));
    }

    /** √(1 − ᾱ_i). */
    public double[] sqrtOneMinusAlphasCumprod() {
        return map(i -> Math.sqrt(1 - alphasCumprod[i]));
    }

    /** Variance of q(x_{i−1} | x_i, x_0): β̃_i = β_i (1 − ᾱ_{i−1}) / (1 − ᾱ_i); zero at i = 0. */
    public double[] posteriorVariance() {
        return map(i -> betas[i] * (1 - alphasCumprodPrev[i]) / (1 - alphasCumprod[i]));
    }

    /** log β̃_i with the zero at i = 0 replaced by β̃_1, as guided-diffusion clips it. */
    public double[] posteriorLogVarianceClipped() {
        double[] variance = posteriorVariance();
        variance[0] = variance[1];
        return map(i -> Math.log(variance[i]));
    }

    /** Coefficient of x_0 in the posterior mean: β_i √ᾱ_{i−1} / (1 − ᾱ_i). */
    public double[] posteriorMeanCoef1() {
        return map(i -> betas[i] * Math.sqrt(alphasCumprodPrev[i]) / (1 - alphasCumprod[i]));
    }

    /** Coefficient of x_i in the posterior mean: (1 − ᾱ_{i−1}) √α_i / (1 − ᾱ_i). */
    public double[] posteriorMeanCoef2() {
        return map(i -> (1 - alphasCumprodPrev[i]) * Math.sqrt(1 - betas[i]) / (1 - alphasCumprod[i]));
    }

    private double[] map(java.util.function.IntToDoubleFunction f) {
        double[] out = new double[betas.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(i);
        }
        return out;
    }

    private static int[] identity(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i;
        }
        return t;
    }
}
