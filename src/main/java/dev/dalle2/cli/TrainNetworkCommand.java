package dev.dalle2.cli;

import dev.dalle2.nn.Engine;
import dev.dalle2.train.ClipRunConfig;
import dev.dalle2.train.ClipTraining;
import dev.dalle2.train.PriorRunConfig;
import dev.dalle2.train.PriorTraining;
import dev.dalle2.train.Recipes;
import dev.dalle2.train.RunConfig;
import dev.dalle2.train.Trainer;
import dev.dalle2.train.UNetTraining;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code dalle2 train clip|prior|decoder|upsampler --config FILE [--resume]}: trains a network from a recipe. */
abstract class TrainNetworkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML recipe (see configs/).")
    Path config;

    @Option(names = "--resume", description = "Continue from the run folder's checkpoint.")
    boolean resume;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: the config's out).")
    String out;

    @Option(names = "--stop-after", paramLabel = "STEPS", defaultValue = "0",
            description = "Stop after this many steps of this call (the schedule still ends at totalSteps); 0 runs to the end.")
    long stopAfter;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or auto (default: ${DEFAULT-VALUE}).")
    String device;

    abstract String kind();

    /** Reads the recipe (with {@link #out} applied), trains, and returns where the network went. */
    abstract Trained train() throws Exception;

    record Trained(Trainer.Result result, String out) {}

    @Override
    public Integer call() throws Exception {
        Engine.useDevice(device);
        String recipeKind = Recipes.kind(config);
        if (!recipeKind.equals(kind())) {
            throw new IllegalArgumentException(config + " is a " + (recipeKind.isEmpty() ? "kind-less" : recipeKind)
                    + " recipe, not a " + kind() + " one");
        }
        Trained t = train();
        spec.commandLine().getOut().printf(Locale.ROOT, "trained %s to step %d in %.1f min, final loss %.4f; network in %s%n",
                kind(), t.result().steps(), t.result().seconds() / 60, t.result().finalLoss(), t.out());
        return 0;
    }

    /** The U-Net commands: one recipe type for the decoder and the upsampler. */
    abstract static class UNetCommand extends TrainNetworkCommand {
        @Override
        Trained train() throws Exception {
            RunConfig recipe = RunConfig.load(config);
            if (out != null) {
                recipe = recipe.withOut(out);
            }
            return new Trained(UNetTraining.run(recipe, resume, stopAfter), recipe.out());
        }
    }

    @Command(name = "decoder", mixinStandardHelpOptions = true,
            description = "Train the decoder U-Net (image embedding → image) from a recipe.")
    static final class Decoder extends UNetCommand {
        @Override
        String kind() {
            return "decoder";
        }
    }

    @Command(name = "upsampler", mixinStandardHelpOptions = true,
            description = "Train the upsampler U-Net (low-resolution image → image of twice the size) from a recipe.")
    static final class Upsampler extends UNetCommand {
        @Override
        String kind() {
            return "upsampler";
        }
    }

    @Command(name = "clip", mixinStandardHelpOptions = true,
            description = "Train CLIP (text and image encoders) contrastively on a caption dataset from a recipe.")
    static final class Clip extends TrainNetworkCommand {
        @Override
        String kind() {
            return "clip";
        }

        @Override
        Trained train() throws Exception {
            ClipRunConfig recipe = ClipRunConfig.load(config);
            if (out != null) {
                recipe = recipe.withOut(out);
            }
            return new Trained(ClipTraining.run(recipe, resume, stopAfter), recipe.out());
        }
    }

    @Command(name = "prior", mixinStandardHelpOptions = true,
            description = "Train the diffusion prior (text embedding → image embedding) from a dataset's embedding cache.")
    static final class Prior extends TrainNetworkCommand {
        @Override
        String kind() {
            return "prior";
        }

        @Override
        Trained train() throws Exception {
            PriorRunConfig recipe = PriorRunConfig.load(config);
            if (out != null) {
                recipe = recipe.withOut(out);
            }
            return new Trained(PriorTraining.run(recipe, resume, stopAfter), recipe.out());
        }
    }
}
