package dev.dalle2.cli;

import dev.dalle2.nn.Engine;
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

/** {@code dalle2 train decoder|upsampler --config FILE [--resume]}: trains a diffusion U-Net from a recipe. */
abstract class TrainUNetCommand implements Callable<Integer> {
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

    @Override
    public Integer call() throws Exception {
        Engine.useDevice(device);
        RunConfig recipe = RunConfig.load(config);
        if (!recipe.kind().equals(kind())) {
            throw new IllegalArgumentException(config + " is a " + recipe.kind() + " recipe, not a " + kind() + " one");
        }
        if (out != null) {
            recipe = recipe.withOut(out);
        }
        Trainer.Result r = UNetTraining.run(recipe, resume, stopAfter);
        spec.commandLine().getOut().printf(Locale.ROOT, "trained %s to step %d in %.1f min, final loss %.4f; network in %s%n",
                kind(), r.steps(), r.seconds() / 60, r.finalLoss(), recipe.out());
        return 0;
    }

    @Command(name = "decoder", mixinStandardHelpOptions = true,
            description = "Train the decoder U-Net (image embedding → image) from a recipe.")
    static final class Decoder extends TrainUNetCommand {
        @Override
        String kind() {
            return "decoder";
        }
    }

    @Command(name = "upsampler", mixinStandardHelpOptions = true,
            description = "Train the upsampler U-Net (low-resolution image → image of twice the size) from a recipe.")
    static final class Upsampler extends TrainUNetCommand {
        @Override
        String kind() {
            return "upsampler";
        }
    }
}
