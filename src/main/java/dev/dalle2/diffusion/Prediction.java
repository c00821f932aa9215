package dev.dalle2.diffusion;

/** What a {@link Denoiser} outputs for a noisy x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε. */
public enum Prediction {
    /** The noise ε. */
    EPSILON,
    /** The clean sample x₀. */
    X0,
    /** The velocity v = √ᾱ_t ε − √(1−ᾱ_t) x₀ (Salimans &amp; Ho 2022). */
    V
}
