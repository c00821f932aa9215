package dev.dalle2.train;

import dev.dalle2.data.ShapesDataset;
import dev.dalle2.decoder.UNet;
import dev.dalle2.io.AtomicFiles;
import dev.dalle2.io.Images;
import dev.dalle2.io.Progress;
import dev.dalle2.io.Safetensors;
import dev.dalle2.nn.Engine;
import dev.dalle2.nn.Ops;
import org.bytedeco.javacpp.PointerScope;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link RunConfig}: loads the dataset into memory, builds the U-Net and its EMA copy from
 * the seed, trains with the {@link Trainer}, and exports the EMA weights with the recipe as a
 * network folder ({@code weights.safetensors} + {@code config.json}) in the run folder.
 */
public final class UNetTraining {
    public static final String WEIGHTS = "weights.safetensors";
    public static final String CONFIG = "config.json";

    private UNetTraining() {}

    public static Trainer.Result run(RunConfig config, boolean resume, long stopAfter) throws IOException, InterruptedException {
        Path runDir = Path.of(config.out());
        if (resume && !Checkpoint.exists(runDir)) {
            throw new IOException(runDir + ": no checkpoint to resume from (train without --resume first)");
        }
        ImageSet data = loadImages(Path.of(config.data().dataset()), config);
        Engine.seed(config.seed());
        UNet model = new UNet(config.unet());
        UNet average = new UNet(config.unet());
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
        Safetensors.write(runDir.resolve(WEIGHTS), average.namedParameters(),
                Map.of("kind", config.kind(), "step", Long.toString(steps), "weights", "ema"));
        byte[] json = config.toJson();
        AtomicFiles.write(runDir.resolve(CONFIG), out -> out.write(json));
    }

    /** Every image of the dataset as [3, S, S] floats, with attribute vectors when the config asks for them. */
    static ImageSet loadImages(Path dataset, RunConfig config) throws IOException {
        List<ShapesDataset.Entry> entries = ShapesDataset.load(dataset);
        int size = config.unet().imageSize();
        boolean attributes = switch (config.data().conditioning()) {
            case "attributes" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("unknown conditioning '" + config.data().conditioning()
                    + "' (use attributes or none)");
        };
        float[][] pixels = new float[entries.size()][];
        float[][] conditions = attributes ? new float[entries.size()][] : null;
        try (Progress progress = new Progress("load " + dataset.getFileName(), entries.size())) {
            for (int i = 0; i < entries.size(); i++) {
                BufferedImage img = entries.get(i).read();
                if (img.getWidth() != size || img.getHeight() != size) {
                    throw new IOException(entries.get(i).image() + ": image is " + img.getWidth() + "×" + img.getHeight()
                            + " but the config trains at " + size + "×" + size);
                }
                try (PointerScope scope = new PointerScope()) {
                    pixels[i] = Ops.toFloats(Images.toTensor(img));
                }
                if (attributes) {
                    conditions[i] = entries.get(i).attributes().toVector();
                }
                progress.update(i + 1, "");
            }
        }
        return new ImageSet(pixels, size, conditions);
    }
}
