package dev.dalle2.train;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.decoder.UNet;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs a {@link RunConfig}: builds the U-Net and its EMA copy from the seed (or from the recipe's
 * {@code init} network), loads the dataset into memory, trains with the {@link Trainer}, and exports
 * the EMA weights with the recipe as a network folder ({@code weights.safetensors} +
 * {@code config.json}) in the run folder.
 */
public final class UNetTraining {
    private UNetTraining() {}

    public static Trainer.Result run(RunConfig config, boolean resume, long stopAfter) throws IOException, InterruptedException {
        Path runDir = Path.of(config.out());
        Checkpoint.requireForResume(runDir, resume);
        Engine.seed(config.seed());
        UNet model = new UNet(config.unet());
        UNet average = new UNet(config.unet());
        Checkpoint.startFrom(config.init(), resume, model, config.kind());
        ImageSet data = loadImages(Path.of(config.data().dataset()), config);
        TrainingConfig t = config.training();
        TrainingTask task = config.kind().equals("decoder")
                ? new DecoderTask(model, average, data, config.diffusion(), config.sampling(), t.condDropProb(), t.sampleCount())
                : new UpsamplerTask(model, average, data, config.diffusion(), config.sampling(), t.sampleCount());
        System.err.printf("%s: %,d parameters, %,d training images, %s%n", config.kind(), model.parameterCount(),
                data.size(), t.bf16() ? "bf16 autocast" : "fp32");
        Trainer.Result result = new Trainer(task, t, config.seed(), runDir).run(resume, stopAfter);
        export(runDir, average, config, result.steps());
        return result;
    }

    private static void export(Path runDir, UNet average, RunConfig config, long steps) throws IOException {
        NetworkFolder.write(runDir, config, average.namedParameters(),
                Map.of("kind", config.kind(), "step", Long.toString(steps), "weights", "ema"));
    }

    /**
     * Every image of the dataset as [3, S, S] floats (resized and centre-cropped to the U-Net's size
     * when needed), with the conditioning vectors the config asks for.
     */
    static ImageSet loadImages(Path dataset, RunConfig config) throws IOException {
        int size = config.unet().imageSize();
        CaptionDataset data = CaptionDataset.load(dataset, size);
        float[][] pixels = new float[data.size()][3 * size * size];
        for (int i = 0; i < data.size(); i++) {
            data.toFloats(i, pixels[i], 0);
        }
        return new ImageSet(pixels, size, conditions(data, dataset, config.data()));
    }

    private static float[][] conditions(CaptionDataset data, Path dataset, RunConfig.DataConfig config) throws IOException {
        switch (config.conditioning()) {
            case "none":
                return null;
            case "attributes": {
                float[][] out = new float[data.size()][];
                for (int i = 0; i < data.size(); i++) {
                    out[i] = ShapeAttributes.parse(data.entry(i).caption()).toVector();
                }
                return out;
            }
            case "clip": {
                if (config.clip() == null) {
                    throw new IllegalArgumentException("clip conditioning needs data.clip, the CLIP model folder");
                }
                EmbeddingCache cache = EmbeddingCache.open(dataset, ClipFolder.fingerprint(Path.of(config.clip())));
                if (cache.manifest().images() != data.size()) {
                    throw new IOException(dataset + ": " + data.size() + " images but its embedding cache has "
                            + cache.manifest().images() + "; run dalle2 embed again");
                }
                int d = cache.manifest().embedDim();
                float[] all = Ops.toFloats(cache.imageEmbeds().contiguous());
                float[][] out = new float[data.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Arrays.copyOfRange(all, i * d, (i + 1) * d);
                }
                return out;
            }
            default:
                throw new IllegalArgumentException("unknown conditioning '" + config.conditioning()
                        + "' (use clip, attributes or none)");
        }
    }
}
