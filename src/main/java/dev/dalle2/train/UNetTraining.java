package dev.dalle2.train;

import dev.dalle2.clip.ClipFolder;
import dev.dalle2.data.CaptionDataset;
import dev.dalle2.data.shapes.ShapeAttributes;
import dev.dalle2.decoder.UNet;
import dev.dalle2.embed.EmbeddingCache;
import dev.dalle2.nn.Ops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs a {@link RunConfig}: builds the U-Net and its EMA copy from the seed (or from the recipe's
 * {@code init} network), loads the dataset into memory, trains with the {@link Trainer}, and exports
 * the EMA weights with the recipe as a network folder ({@code weights.safetensors} +
 * {@code config.json}) in the run folder; the steps they share with the other networks are
 * {@link TrainingRun}'s.
 */
public final class UNetTraining {
    private UNetTraining() {}

    public static Trainer.Result run(RunConfig config, boolean resume, long stopAfter) throws IOException, InterruptedException {
        TrainingRun run = TrainingRun.open(config.kind(), config.out(), config.seed(), config.training(), resume);
        TrainingRun.Networks<UNet> nets = run.networks(() -> new UNet(config.unet()), config.init());
        ImageSet data = loadImages(Path.of(config.data().dataset()), config);
        TrainingConfig t = config.training();
        TrainingTask task = task(config, nets, data, t.condDropProb(), t.sampleCount());
        return run.train(task, "%,d training images".formatted(data.size()), config, stopAfter);
    }

    /**
     * The recipe's task for {@code nets} on {@code data}: a {@link DecoderTask} (dropping the conditioning with
     * probability {@code condDropProb}) for a decoder, an {@link UpsamplerTask} otherwise; each preview shows
     * {@code sampleCount} samples.
     */
    static TrainingTask task(RunConfig config, TrainingRun.Networks<UNet> nets, ImageSet data, double condDropProb,
                             int sampleCount) {
        return config.kind().equals("decoder")
                ? new DecoderTask(nets.model(), nets.average(), data, config.diffusion(), config.sampling(), condDropProb,
                        sampleCount)
                : new UpsamplerTask(nets.model(), nets.average(), data, config.diffusion(), config.sampling(), sampleCount);
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
