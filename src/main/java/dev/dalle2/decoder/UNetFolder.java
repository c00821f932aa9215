package dev.dalle2.decoder;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dalle2.diffusion.DiffusionConfig;
import dev.dalle2.diffusion.Sampler;
import dev.dalle2.diffusion.SamplingConfig;
import dev.dalle2.io.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A trained decoder or upsampler as it is shipped: a folder with {@code config.json} (the recipe;
 * only its {@code kind}, {@code unet}, {@code diffusion} and {@code sampling} parts matter here)
 * and {@code weights.safetensors} (the EMA weights). Loaded networks are in evaluation mode.
 */
public record UNetFolder(Path dir, String kind, UNet net, DiffusionConfig diffusion, SamplingConfig sampling) {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build();

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Config(String kind, UNetConfig unet, DiffusionConfig diffusion, SamplingConfig sampling) {}

    public static UNetFolder load(Path dir) throws IOException {
        Path config = dir.resolve("config.json");
        Path weights = dir.resolve("weights.safetensors");
        for (Path p : new Path[] {config, weights}) {
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(p.toString(), null, "incomplete network folder: missing " + p.getFileName());
            }
        }
        Config c;
        try {
            c = JSON.readValue(config.toFile(), Config.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(config + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        UNet net = new UNet(c.unet());
        net.load(Safetensors.read(weights), true);
        net.train(false);
        return new UNetFolder(dir, c.kind(), net, c.diffusion(), c.sampling());
    }

    /** A sampler with the folder's settings, or with {@code steps} steps when it is positive. */
    public Sampler sampler(int steps) {
        return (steps > 0 ? sampling.withSteps(steps) : sampling).build(diffusion);
    }
}
