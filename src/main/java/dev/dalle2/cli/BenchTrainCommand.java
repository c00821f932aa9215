package dev.dalle2.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dalle2.train.RunConfig;
import dev.dalle2.train.TrainingBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 bench train}: training and sampling speed and peak memory of a recipe's U-Net, fp32 and bf16. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Measure training images/s, ms per sampling step and peak memory of a recipe's U-Net on random "
                + "data, in fp32 and bf16.")
final class BenchTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML recipe.")
    Path config;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed training steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "10", description = "Timed training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sample-batch", defaultValue = "8",
            description = "Images per sampling step; guidance doubles the network's batch (default: ${DEFAULT-VALUE}).")
    int sampleBatch;

    @Option(names = "--sample-steps", defaultValue = "5", description = "Timed sampling steps (default: ${DEFAULT-VALUE}).")
    int sampleSteps;

    @Option(names = "--precision", defaultValue = "both", description = "fp32, bf16 or both (default: ${DEFAULT-VALUE}).")
    String precision;

    @Override
    public Integer call() throws Exception {
        RunConfig recipe = RunConfig.load(config);
        PrintWriter out = spec.commandLine().getOut();
        Path scratch = Files.createTempDirectory("dalle2-bench");
        out.printf("%s, batch %d, %d timed steps after %d warm-up; sampling batch %d, guidance %.1f%n", config,
                recipe.training().batchSize(), steps, warmup, sampleBatch, recipe.sampling().guidance());
        out.printf("%-9s %14s %18s %16s %17s%n", "precision", "train img/s", "ms/sampling step", "peak train MiB", "peak sample MiB");
        for (boolean bf16 : new boolean[] {false, true}) {
            if (precision.equals(bf16 ? "fp32" : "bf16")) {
                continue;
            }
            TrainingBenchmark.Result r = TrainingBenchmark.run(recipe, bf16, warmup, steps, sampleBatch, sampleSteps, scratch);
            out.printf("%-9s %14.2f %18.1f %16d %17d%n", r.precision(), r.imagesPerSecond(), r.msPerSamplingStep(),
                    r.peakTrainMiB(), r.peakSampleMiB());
            out.println("json " + new ObjectMapper().writeValueAsString(TrainingBenchmark.toMap(r)));
        }
        return 0;
    }
}
