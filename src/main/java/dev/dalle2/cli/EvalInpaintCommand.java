package dev.dalle2.cli;

import dev.dalle2.eval.InpaintEvaluation;
import dev.dalle2.io.Folders;
import dev.dalle2.io.NetworkFolder;
import dev.dalle2.pipeline.Pipeline;
import dev.dalle2.train.PriorRunConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code dalle2 eval inpaint}: how well a model inpaints held-out images (the measuring is {@link InpaintEvaluation#run}'s). */
@Command(name = "inpaint", mixinStandardHelpOptions = true,
        description = "Evaluate inpainting: held-out images of the prior's dataset with the middle masked, each inpainted "
                + "from its own caption; reports the error outside the mask (0 when kept exactly), the seam, shape and "
                + "colour accuracy for shapes captions beside plain generation, and CLIP concept recall@5.")
final class EvalInpaintCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PipelineOptions options;

    @Option(names = "--count", defaultValue = "30", description = "Held-out images to inpaint (default: ${DEFAULT-VALUE}).")
    int count;

    @Mixin
    InpaintOptions inpaintOptions;

    @Option(names = "--batch", defaultValue = "16", description = "Images per sampling batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        CommandLine cli = spec.commandLine();
        options.validate(cli);
        if (count < 1 || count > 10_000) {
            throw new CommandLine.ParameterException(cli, "--count must be between 1 and 10000, got " + count);
        }
        inpaintOptions.validate(cli);
        if (batch < 1 || batch > 256) {
            throw new CommandLine.ParameterException(cli, "--batch must be between 1 and 256, got " + batch);
        }
        try {
            Folders.requireWritable(options.out);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cli, "--out " + e.getMessage());
        }
        Pipeline pipeline = Pipeline.load(options.model);
        pipeline.showProgress(false);
        PriorRunConfig recipe = NetworkFolder.config(options.model.resolve("prior"), PriorRunConfig.class, "prior");
        Path dataset = Path.of(recipe.data().dataset());
        InpaintEvaluation.Result result = InpaintEvaluation.run(pipeline, dataset, recipe.data().validation(),
                new InpaintEvaluation.Request(options.out, options.seed, options.settings(), count, inpaintOptions.inpainting(), batch),
                line -> cli.getErr().println(line));
        EvalCommand.print(spec, result.report(dataset) + System.lineSeparator());
        return 0;
    }
}
