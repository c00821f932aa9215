package dev.dalle2.decoder;

import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.Checks;
import dev.dalle2.io.NetworkFolder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A trained decoder or upsampler as it is shipped: a folder with {@code config.json} (the recipe;
 * only its {@code kind}, {@code unet}, {@code diffusion} and {@code sampling} parts matter here)
 * and {@code weights.safetensors} (the EMA weights). Loaded networks are in evaluation mode.
 */
public record UNetFolder(Path dir, String kind, UNet net, DiffusionConfig diffusion, SamplingConfig sampling) {
    private record Config(String kind, UNetConfig unet, DiffusionConfig diffusion, SamplingConfig sampling) {
        Config {
            Checks.present("unet", unet);
            Checks.present("diffusion", diffusion);
            Checks.present("sampling", sampling);
        }
    }

    /** Loads a decoder or an upsampler; a folder of another network, or weights that do not fit, is a one-line error. */
    public static UNetFolder load(Path dir) throws IOException {
        return load(dir, "decoder", "upsampler");
    }

    /** Loads a U-Net folder whose config's {@code kind} is one of {@code kinds} (or absent). */
    public static UNetFolder load(Path dir, String... kinds) throws IOException {
        Config c = NetworkFolder.config(dir, Config.class, kinds);
        UNet net = new UNet(c.unet());
        NetworkFolder.load(dir, net);
        net.train(false);
        return new UNetFolder(dir, c.kind(), net, c.diffusion(), c.sampling());
    }

    /** A sampler with the folder's settings, or with {@code steps} steps when it is positive. */
    public Sampler sampler(int steps) {
        return sampler(steps, null);
    }

    /** A sampler with the folder's settings, with {@code steps} steps when positive and the sampler {@code name} when not null. */
    public Sampler sampler(int steps, String name) {
        SamplingConfig s = steps > 0 ? sampling.withSteps(steps) : sampling;
        return (name == null ? s : s.withSampler(name)).build(diffusion);
    }
}
